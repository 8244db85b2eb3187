package dev.ariadne.engine;

import dev.ariadne.tokenizer.IncrementalDecoder;
import dev.ariadne.tokenizer.StopStringMatcher;
import dev.ariadne.tokenizer.Tokenizer;

import java.util.List;

/**
 * Turns one request's tokens into text as they arrive: incremental UTF-8-safe detokenization and stop strings
 * (text from the stop string on is never emitted). One per request; without a tokenizer it only counts tokens.
 */
final class OutputProcessor {
    private final IncrementalDecoder decoder;    // null without a tokenizer
    private final StopStringMatcher stops;       // null without stop strings
    private final StringBuilder text;
    private String stopString;

    OutputProcessor(Tokenizer tokenizer, List<String> stopStrings) {
        if (!stopStrings.isEmpty() && tokenizer == null) {
            throw new IllegalArgumentException("stop strings need a tokenizer, and this model has none");
        }
        this.decoder = tokenizer != null ? new IncrementalDecoder(tokenizer) : null;
        this.stops = stopStrings.isEmpty() ? null : new StopStringMatcher(stopStrings);
        this.text = tokenizer != null ? new StringBuilder() : null;
    }

    /** The text the token completes (after stop-string hold-back). */
    String push(int token) {
        if (decoder == null) return "";
        String piece = decoder.push(token);
        return emit(piece);
    }

    /** Whether a stop string was found: the request must end now. */
    boolean stopped() {
        return stopString != null;
    }

    String stopString() {
        return stopString;
    }

    /** What is still held back when the request ends. */
    String finish() {
        if (decoder == null) return "";
        String rest = emit(decoder.flush());
        if (stops != null && !stops.stopped()) {
            String held = stops.flush();
            text.append(held);
            rest += held;
        }
        return rest;
    }

    private String emit(String piece) {
        if (stops == null) {
            text.append(piece);
            return piece;
        }
        StopStringMatcher.Step s = stops.push(piece);
        if (s.stopped()) stopString = s.stop();
        text.append(s.text());
        return s.text();
    }

    String text() {
        return text == null ? null : text.toString();
    }
}
