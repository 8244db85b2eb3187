package dev.ariadne.json;

/** Malformed JSON; the message says what and where (line, column). */
public final class JsonException extends RuntimeException {
    public JsonException(String message) {
        super(message);
    }
}
