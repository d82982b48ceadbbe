package agecnn.bench;

import java.util.Locale;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where a training step's time goes: each layer's forward and backward pass, timed one layer at
 * a time (without workspaces, so a little slower than inside fit()), the updater, and a whole
 * fit() step for reference. Evidence for the speed issue, printed by {@code SpeedBench --profile}.
 */
final class LayerTimes {

    private LayerTimes() {}

    static String measure(MultiLayerNetwork net, INDArray x, INDArray y, int steps) {
        Layer[] layers = net.getLayers();
        double[] fwd = new double[layers.length];
        double[] bwd = new double[layers.length];
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        int batch = (int) x.size(0);
        for (int s = 0; s < steps + 1; s++) {
            boolean counted = s > 0; // the first step warms up
            INDArray a = x;
            for (int i = 0; i < layers.length; i++) {
                long t = System.nanoTime();
                InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
                if (pre != null) a = pre.preProcess(a, batch, mgr);
                a = layers[i].activate(a, true, mgr);
                if (counted) fwd[i] += (System.nanoTime() - t) / 1e6;
            }
            ((IOutputLayer) layers[layers.length - 1]).setLabels(y);
            INDArray eps = null;
            for (int i = layers.length - 1; i >= 0; i--) {
                long t = System.nanoTime();
                Pair<Gradient, INDArray> p = layers[i].backpropGradient(eps, mgr);
                eps = p.getSecond();
                InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
                if (pre != null) eps = pre.backprop(eps, batch, mgr);
                if (counted) bwd[i] += (System.nanoTime() - t) / 1e6;
            }
        }
        double updater = 0;
        double fit = 0;
        org.nd4j.linalg.dataset.DataSet ds = new org.nd4j.linalg.dataset.DataSet(x, y);
        for (int s = 0; s < steps + 1; s++) {
            net.setInput(x);
            net.setLabels(y);
            net.computeGradientAndScore();
            Gradient g = net.gradient();
            long t = System.nanoTime();
            net.getUpdater().update(net, g, 0, 0, batch, mgr);
            if (s > 0) updater += (System.nanoTime() - t) / 1e6;
            t = System.nanoTime();
            net.fit(ds);
            if (s > 0) fit += (System.nanoTime() - t) / 1e6;
        }

        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "per-layer ms per step (batch %d, %s):%n  %-3s %-22s %9s %9s%n", batch,
                agecnn.model.FastPath.helpersActive(net) ? "OneDNN helpers" : "plain", "#", "layer", "forward", "backward"));
        double sum = 0;
        for (int i = 0; i < layers.length; i++) {
            String name = layers[i].getClass().getSimpleName();
            sb.append(String.format(Locale.ROOT, "  %-3d %-22s %9.2f %9.2f%n", i, name, fwd[i] / steps, bwd[i] / steps));
            sum += (fwd[i] + bwd[i]) / steps;
        }
        sb.append(String.format(Locale.ROOT, "  layers total %.2f, updater %.2f, whole fit() step %.2f ms%n",
                sum, updater / steps, fit / steps));
        return sb.toString();
    }
}
