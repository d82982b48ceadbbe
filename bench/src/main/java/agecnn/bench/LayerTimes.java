package agecnn.bench;

import java.util.Arrays;
import java.util.Locale;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where a training step's time goes: each layer's forward and backward pass, timed one layer at
 * a time (in one reused workspace, as in fit()); each figure the fastest of the steps, to see past
 * bursts of load on a shared machine, the updater, and a whole
 * fit() step for reference. Evidence for the speed issue, printed by {@code SpeedBench --profile}.
 */
final class LayerTimes {

    private static final String WORKSPACE_ID = "LAYER_TIMES";
    /** Sized by the first step, then reused, as fit()'s workspaces are: no fresh pages to fault in. */
    private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
            .initialSize(0)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyAllocation(AllocationPolicy.STRICT)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();

    private LayerTimes() {}

    /** Every kind of array in the one workspace, which each step opens afresh. */
    private static LayerWorkspaceMgr oneWorkspace() {
        LayerWorkspaceMgr.Builder b = LayerWorkspaceMgr.builder();
        for (ArrayType t : ArrayType.values()) b.with(t, WORKSPACE_ID, WORKSPACE);
        return b.build();
    }

    static String measure(MultiLayerNetwork net, INDArray x, INDArray y, int steps) {
        Layer[] layers = net.getLayers();
        double[] fwd = new double[layers.length];
        double[] bwd = new double[layers.length];
        Arrays.fill(fwd, Double.MAX_VALUE);
        Arrays.fill(bwd, Double.MAX_VALUE);
        LayerWorkspaceMgr mgr = oneWorkspace();
        int batch = (int) x.size(0);
        for (int s = 0; s < steps + 1; s++) {
          try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_ID)) {
            boolean counted = s > 0; // the first step warms up (and sizes the workspace)
            INDArray a = x;
            for (int i = 0; i < layers.length; i++) {
                long t = System.nanoTime();
                InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
                if (pre != null) a = pre.preProcess(a, batch, mgr);
                a = layers[i].activate(a, true, mgr);
                if (counted) fwd[i] = Math.min(fwd[i], (System.nanoTime() - t) / 1e6);
            }
            ((IOutputLayer) layers[layers.length - 1]).setLabels(y);
            INDArray eps = null;
            for (int i = layers.length - 1; i >= 0; i--) {
                long t = System.nanoTime();
                Pair<Gradient, INDArray> p = layers[i].backpropGradient(eps, mgr);
                eps = p.getSecond();
                InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
                if (pre != null) eps = pre.backprop(eps, batch, mgr);
                if (counted) bwd[i] = Math.min(bwd[i], (System.nanoTime() - t) / 1e6);
            }
          }
        }
        LayerWorkspaceMgr noWs = LayerWorkspaceMgr.noWorkspaces();
        double updater = Double.MAX_VALUE;
        double fit = Double.MAX_VALUE;
        org.nd4j.linalg.dataset.DataSet ds = new org.nd4j.linalg.dataset.DataSet(x, y);
        for (int s = 0; s < steps + 1; s++) {
            net.setInput(x);
            net.setLabels(y);
            net.computeGradientAndScore();
            Gradient g = net.gradient();
            long t = System.nanoTime();
            net.getUpdater().update(net, g, 0, 0, batch, noWs);
            if (s > 0) updater = Math.min(updater, (System.nanoTime() - t) / 1e6);
            t = System.nanoTime();
            net.fit(ds);
            if (s > 0) fit = Math.min(fit, (System.nanoTime() - t) / 1e6);
        }

        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "per-layer ms, fastest of %d steps (batch %d, %s):%n  %-3s %-22s %9s %9s%n", steps, batch,
                agecnn.nets.FastPath.helpersActive(net) ? "OneDNN helpers" : "plain", "#", "layer", "forward", "backward"));
        double sum = 0;
        for (int i = 0; i < layers.length; i++) {
            String name = layers[i].getClass().getSimpleName();
            sb.append(String.format(Locale.ROOT, "  %-3d %-22s %9.2f %9.2f%n", i, name, fwd[i], bwd[i]));
            sum += fwd[i] + bwd[i];
        }
        sb.append(String.format(Locale.ROOT, "  layers total %.2f, updater %.2f, whole fit() step %.2f ms%n",
                sum, updater, fit));
        return sb.toString();
    }
}
