package dev.ariadne.io;

/**
 * A model file that cannot be used: truncated, malformed, of an unknown architecture or an unsupported type. The
 * message always names the file and, where there is one, the tensor, and says what was expected; the CLI prints it
 * without a stack trace.
 */
public final class ModelFileException extends RuntimeException {
    public ModelFileException(String message) {
        super(message);
    }

    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
