package dev.ariadne.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Splits text into the words that BPE merges within: a sequence of regexes, each applied to every piece the previous
 * ones left, where both the matches and the text between them become pieces (Hugging Face's {@code Split} with
 * behavior {@code Isolated}; llama.cpp's {@code unicode_regex_split}). An empty match still cuts the text there.
 *
 * <p>Each regex sees only its piece: lookaheads and {@code \z} stop at the piece's end. Before matching, non-ASCII
 * whitespace (U+0085, U+00A0, U+2000..U+200A, U+3000, ...) is read as U+000B, exactly as llama.cpp does, so Java's
 * ASCII {@code \s} treats all Unicode whitespace alike and character classes that list U+3000 do not see it.
 */
final class PreTokenizer {
    private final String name;
    private final List<Pattern> patterns;

    private PreTokenizer(String name, List<Pattern> patterns) {
        this.name = name;
        this.patterns = patterns;
    }

    /**
     * A pre-tokenizer from regexes, applied in order. Oniguruma's script properties ({@code \p{Han}}) are read as
     * Java's ({@code \p{IsHan}}); a regex that still does not compile is an IllegalArgumentException.
     */
    static PreTokenizer of(String name, List<String> regexes) {
        List<Pattern> ps = new ArrayList<>();
        for (String r : regexes) {
            try {
                ps.add(Pattern.compile(javaScripts(r)));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(name + ": pre-tokenizer regex does not compile: " + e.getMessage(), e);
            }
        }
        return new PreTokenizer(name, List.copyOf(ps));
    }

    private static final Pattern PROPERTY = Pattern.compile("\\\\([pP])\\{([A-Za-z_]+)}");

    private static String javaScripts(String regex) {
        return PROPERTY.matcher(regex).replaceAll(m -> {
            String prop = m.group(2);
            boolean script;
            try {
                Character.UnicodeScript.forName(prop);
                script = prop.length() > 2; // "L", "Lu", "N" are categories
            } catch (IllegalArgumentException e) {
                script = false;
            }
            return Matcher.quoteReplacement("\\" + m.group(1) + "{" + (script ? "Is" : "") + prop + "}");
        });
    }

    String name() {
        return name;
    }

    /** Appends the pieces of {@code text} to {@code out} as (start, end) pairs of char offsets, in order. */
    void split(String text, IntList out) {
        if (text.isEmpty()) return;
        String view = foldWhitespace(text);
        IntList current = new IntList(2);
        current.add(0);
        current.add(text.length());
        for (Pattern pattern : patterns) {
            IntList next = new IntList(current.size() * 4);
            Matcher m = pattern.matcher(view);
            for (int k = 0; k < current.size(); k += 2) {
                int start = current.get(k);
                int end = current.get(k + 1);
                m.region(start, end);
                int last = start;
                while (m.find()) {
                    int ms = m.start();
                    int me = m.end();
                    if (ms > last) {
                        next.add(last);
                        next.add(ms);
                    }
                    if (me > ms) {
                        next.add(ms);
                        next.add(me);
                    }
                    last = Math.max(last, me);
                }
                if (end > last) {
                    next.add(last);
                    next.add(end);
                }
            }
            current = next;
        }
        for (int k = 0; k < current.size(); k++) {
            out.add(current.get(k));
        }
    }

    private static String foldWhitespace(String text) {
        char[] chars = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0x7F && isUnicodeSpace(c)) {
                if (chars == null) chars = text.toCharArray();
                chars[i] = '\u000B';
            }
        }
        return chars == null ? text : new String(chars);
    }

    /** Unicode White_Space outside ASCII (all of it is in the BMP). */
    private static boolean isUnicodeSpace(char c) {
        return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029
                || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    @Override
    public String toString() {
        return "PreTokenizer[" + name + "]";
    }
}
