package dev.ariadne.server.openai.parse;

/**
 * The bits of Python string semantics the parsers need to split text exactly as vLLM does: what {@code str.isspace()}
 * (and so {@code str.strip()} and the regex class {@code \s}) counts as whitespace, and how much of a text's end could
 * be the start of a tag that has not fully arrived yet.
 */
final class PyText {
    private PyText() {
    }

    /**
     * Python's {@code str.isspace()} for one UTF-16 unit. Java's {@code Character.isWhitespace} leaves out the
     * no-break spaces (U+00A0, U+2007, U+202F) and NEL (U+0085), which Python counts; every whitespace character
     * is in the BMP, so a surrogate is never one.
     */
    static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    /** Python's {@code s.lstrip()}. */
    static String lstrip(CharSequence s) {
        int i = 0;
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        return s.subSequence(i, s.length()).toString();
    }

    /** Python's {@code s.strip() == ""}. */
    static boolean isBlank(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isSpace(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The length of the longest proper prefix of {@code tag} that {@code text} ends with: the characters a stream
     * must hold back because the next delta may complete the tag (vLLM's {@code partial_tag_overlap}).
     */
    static int partialTagOverlap(CharSequence text, String tag) {
        for (int k = Math.min(text.length(), tag.length() - 1); k > 0; k--) {
            if (regionEquals(text, text.length() - k, tag, k)) {
                return k;
            }
        }
        return 0;
    }

    private static boolean regionEquals(CharSequence text, int from, String tag, int length) {
        for (int i = 0; i < length; i++) {
            if (text.charAt(from + i) != tag.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** {@code null} for an empty string, as Python's {@code s or None}. */
    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
