package dev.ariadne.tokenizer;

import java.util.List;

/**
 * Finds stop strings in streamed text, also when one spans several tokens. Text that could be the start of a stop
 * string is held back until the next piece shows whether it is; text before a stop string is released, the stop
 * string and anything after it are not.
 *
 * <pre>
 * stops ["&lt;/answer&gt;"]
 * push("42&lt;/ans") -> "42"        held "&lt;/ans"
 * push("wer&gt; x")  -> "" stopped  ("&lt;/answer&gt;" found; " x" dropped)
 * </pre>
 * One matcher per stream; not thread-safe.
 */
public final class StopStringMatcher {

    /** What one push released: {@code text} to emit; {@code stop} the stop string found, or null. */
    public record Step(String text, String stop) {
        public boolean stopped() {
            return stop != null;
        }
    }

    private final List<String> stops;
    private final int longest;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    public StopStringMatcher(List<String> stops) {
        for (String s : stops) {
            if (s == null || s.isEmpty()) throw new IllegalArgumentException("stop strings must not be empty");
        }
        this.stops = List.copyOf(stops);
        this.longest = stops.stream().mapToInt(String::length).max().orElse(0);
    }

    /** Adds streamed text; after a stop string was found, everything is dropped. */
    public Step push(String text) {
        if (stopped) return new Step("", null);
        held.append(text);
        int at = -1;
        String found = null;
        for (String s : stops) {
            int i = held.indexOf(s);
            if (i >= 0 && (at < 0 || i < at)) {
                at = i;
                found = s;
            }
        }
        if (found != null) {
            String out = held.substring(0, at);
            held.setLength(0);
            stopped = true;
            return new Step(out, found);
        }
        int keep = partialMatchLength();
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return new Step(out, null);
    }

    /** Whether a stop string has been found. */
    public boolean stopped() {
        return stopped;
    }

    /** The held-back text, at the end of the stream (no stop string can complete any more). */
    public String flush() {
        String out = stopped ? "" : held.toString();
        held.setLength(0);
        return out;
    }

    /** The longest suffix of the held text that is a proper prefix of a stop string. */
    private int partialMatchLength() {
        for (int k = Math.min(held.length(), longest - 1); k > 0; k--) {
            int from = held.length() - k;
            for (String s : stops) {
                if (s.length() > k && held.indexOf(s.substring(0, k), from) == from) return k;
            }
        }
        return 0;
    }
}
