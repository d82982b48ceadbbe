package agecnn.nets.weights;

import java.io.IOException;

/**
 * A backbone's pretrained weights cannot be had here (not in WEIGHTS_DIR, not cached, and not
 * downloadable): the model is listed with this message and skipped, while the other models run.
 * A weights file that is there but wrong is another matter: that is a plain {@link IOException}
 * and stops the run, since the user has to fix it.
 */
public final class WeightsUnavailableException extends IOException {
    public WeightsUnavailableException(String message) {
        super(message);
    }

    public WeightsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
