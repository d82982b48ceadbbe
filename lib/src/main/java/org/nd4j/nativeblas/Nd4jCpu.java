package org.nd4j.nativeblas;

/**
 * A shim under the name that DL4J 1.0.0-M2.1's OneDNN check looks up, and nothing else.
 *
 * <p>{@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled()} asks for
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment.getInstance().isUseMKLDNN()} by reflection, but
 * in M2.1 that class lives at {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment}
 * and the method is called {@code isUseONEDNN()}. The failed look-up switches the conv and
 * pooling helpers off for the life of the JVM. This class answers the old question from the real
 * environment. No nd4j jar of M2.1 holds a class of this name (checked when it was written).
 * Part of the work-around documented in {@link agecnn.nets.FastPath}.
 */
public final class Nd4jCpu {

    private Nd4jCpu() {}

    public static final class Environment {

        private static final Environment INSTANCE = new Environment();

        private Environment() {}

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** Whether libnd4j was built with OneDNN and has it switched on. */
        public boolean isUseMKLDNN() {
            return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
        }
    }
}
