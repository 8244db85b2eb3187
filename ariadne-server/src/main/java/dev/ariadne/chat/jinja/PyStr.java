package dev.ariadne.chat.jinja;

import java.util.ArrayList;
import java.util.List;

/**
 * Python {@code str} semantics over Java strings: whitespace as {@code str.isspace}, strip with a character set,
 * split, splitlines, code-point indexing, and the escapes of a jinja2 string literal.
 */
final class PyStr {
    private PyStr() {
    }

    /** {@code str.isspace} for one character: ASCII whitespace, {@code \x1c-\x1f}, {@code \x85}, and Unicode Z*. */
    static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f) || c == 0x85
                || (c > 0x7f && (Character.isWhitespace(c) || Character.isSpaceChar(c)));
    }

    static String strip(String s, String chars) {
        return lstrip(rstrip(s, chars), chars);
    }

    static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length()) {
            int c = s.codePointAt(i);
            if (!stripped(c, chars)) {
                break;
            }
            i += Character.charCount(c);
        }
        return s.substring(i);
    }

    static String rstrip(String s, String chars) {
        int end = s.length();
        while (end > 0) {
            int c = s.codePointBefore(end);
            if (!stripped(c, chars)) {
                break;
            }
            end -= Character.charCount(c);
        }
        return s.substring(0, end);
    }

    private static boolean stripped(int c, String chars) {
        return chars == null ? isSpace(c) : chars.indexOf(c) >= 0;
    }

    /** {@code str.split(sep, maxsplit)}; a null separator splits on whitespace runs and drops empty pieces. */
    static List<Object> split(String s, String sep, long maxSplit) {
        List<Object> parts = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && isSpace(s.charAt(i))) {
                    i++;
                }
                if (i >= n) {
                    break;
                }
                if (maxSplit >= 0 && parts.size() >= maxSplit) {
                    parts.add(s.substring(i));
                    break;
                }
                int j = i;
                while (j < n && !isSpace(s.charAt(j))) {
                    j++;
                }
                parts.add(s.substring(i, j));
                i = j;
            }
            return parts;
        }
        if (sep.isEmpty()) {
            throw new TemplateException("ValueError: empty separator");
        }
        int from = 0;
        for (int at = s.indexOf(sep); at >= 0 && (maxSplit < 0 || parts.size() < maxSplit); at = s.indexOf(sep, from)) {
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    /** {@code str.rsplit(sep, maxsplit)}. */
    static List<Object> rsplit(String s, String sep, long maxSplit) {
        if (maxSplit < 0) {
            return split(s, sep, -1);
        }
        List<Object> reversed = split(new StringBuilder(s).reverse().toString(),
                sep == null ? null : new StringBuilder(sep).reverse().toString(), maxSplit);
        List<Object> parts = new ArrayList<>();
        for (int i = reversed.size() - 1; i >= 0; i--) {
            parts.add(new StringBuilder((String) reversed.get(i)).reverse().toString());
        }
        return parts;
    }

    /** {@code str.splitlines(keepends)}: splits at every line boundary Python knows. */
    static List<Object> splitlines(String s, boolean keepEnds) {
        List<Object> lines = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int eol = i + 1;
            boolean boundary = switch (c) {
                case '\n', 0x0b, 0x0c, 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029 -> true;
                case '\r' -> {
                    if (eol < s.length() && s.charAt(eol) == '\n') {
                        eol++;
                    }
                    yield true;
                }
                default -> false;
            };
            if (boundary) {
                lines.add(s.substring(start, keepEnds ? eol : i));
                start = eol;
            }
            i = boundary ? eol : i + 1;
        }
        if (start < s.length()) {
            lines.add(s.substring(start));
        }
        return lines;
    }

    /** Python's {@code len(str)}: code points. */
    static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /** The code points of {@code s} as one-character strings (what iterating a Python string yields). */
    static List<Object> chars(String s) {
        List<Object> out = new ArrayList<>(s.length());
        s.codePoints().forEach(c -> out.add(Character.toString(c)));
        return out;
    }

    /** {@code str.title()}: a cased character after an uncased one is upper-cased, others lower-cased. */
    static String title(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            b.appendCodePoint(previousCased ? Character.toLowerCase(c) : Character.toTitleCase(c));
            previousCased = Character.isUpperCase(c) || Character.isLowerCase(c) || Character.isTitleCase(c);
            i += Character.charCount(c);
        }
        return b.toString();
    }

    /** {@code str.capitalize()}: the first character title-cased, the rest lower-cased. */
    static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        int n = Character.charCount(first);
        return Character.toString(Character.toTitleCase(first)) + s.substring(n).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The value of a jinja2 string literal body: Python's {@code unicode-escape} decoding ({@code \n}, {@code \t},
     * {@code \xhh}, {@code \\uhhhh}, {@code \Uhhhhhhhh}, {@code \N{name}}, octal, line continuation); an unknown
     * escape keeps its backslash.
     */
    static String unescape(String body) {
        if (body.indexOf('\\') < 0) {
            return body;
        }
        StringBuilder b = new StringBuilder(body.length());
        int i = 0;
        while (i < body.length()) {
            char c = body.charAt(i++);
            if (c != '\\' || i >= body.length()) {
                b.append(c);
                continue;
            }
            char e = body.charAt(i++);
            switch (e) {
                case '\n' -> { }
                case '\\', '\'', '"' -> b.append(e);
                case 'a' -> b.append('\u0007');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'v' -> b.append('\u000b');
                case 'x', 'u', 'U' -> {
                    int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    i = hexEscape(body, i, digits, b);
                }
                case 'N' -> i = namedEscape(body, i, b);
                default -> {
                    if (e >= '0' && e <= '7') {
                        int end = i - 1;
                        while (end < body.length() && end < i + 2 && body.charAt(end) >= '0' && body.charAt(end) <= '7') {
                            end++;
                        }
                        b.appendCodePoint(Integer.parseInt(body.substring(i - 1, end), 8));
                        i = end;
                    } else if (e > 0x7f) {
                        // jinja2 first backslash-escapes non-ASCII text, so "\é" decodes to a backslash and "\xe9".
                        b.append('\\').append(asciiEscape(body.codePointAt(i - 1)));
                        i += Character.charCount(body.codePointAt(i - 1)) - 1;
                    } else {
                        b.append('\\').append(e);
                    }
                }
            }
        }
        return b.toString();
    }

    private static int hexEscape(String body, int at, int digits, StringBuilder b) {
        if (at + digits > body.length()) {
            throw new TemplateException("truncated \\" + body.charAt(at - 1) + " escape in string literal");
        }
        try {
            b.appendCodePoint(Integer.parseUnsignedInt(body.substring(at, at + digits), 16));
        } catch (IllegalArgumentException ex) {
            throw new TemplateException("bad \\" + body.charAt(at - 1) + " escape in string literal");
        }
        return at + digits;
    }

    private static int namedEscape(String body, int at, StringBuilder b) {
        int close = body.indexOf('}', at);
        if (at >= body.length() || body.charAt(at) != '{' || close < 0) {
            throw new TemplateException("malformed \\N character escape in string literal");
        }
        try {
            b.appendCodePoint(Character.codePointOf(body.substring(at + 1, close)));
        } catch (IllegalArgumentException ex) {
            throw new TemplateException("unknown Unicode character name in string literal");
        }
        return close + 1;
    }

    /** Python's {@code backslashreplace} form of a non-ASCII code point. */
    static String asciiEscape(int c) {
        if (c < 0x100) {
            return String.format("x%02x", c);
        }
        return c < 0x10000 ? String.format("u%04x", c) : String.format("U%08x", c);
    }
}
