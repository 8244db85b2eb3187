package dev.ariadne.chat.jinja;

import dev.ariadne.chat.jinja.Token.Kind;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits template source into tokens the way jinja2's lexer does with {@code trim_blocks=True} and
 * {@code lstrip_blocks=True}:
 * <ul>
 *   <li>newlines are normalized to {@code \n} and one trailing newline is dropped ({@code keep_trailing_newline=False});
 *   <li>{@code {%-}, {@code {{-}, {@code {#-} strip all whitespace before the tag, {@code -%}}, {@code -}}},
 *       {@code -#}} all whitespace after it;
 *   <li>trim_blocks: the first newline after a block or comment tag is removed ({@code +%}} keeps it);
 *   <li>lstrip_blocks: spaces and tabs from the start of a line to a block or comment tag are removed
 *       ({@code {%+} keeps them; print tags {@code {{} never strip).
 * </ul>
 */
final class Lexer {
    private static final Pattern FLOAT = Pattern.compile(
            "(?<!\\.)(\\d+_)*\\d+((\\.(\\d+_)*\\d+)?[eE][+\\-]?(\\d+_)*\\d+|\\.(\\d+_)*\\d+)");
    private static final Pattern INTEGER = Pattern.compile(
            "(0[bB](_?[0-1])+|0[oO](_?[0-7])+|0[xX](_?[\\da-fA-F])+|[1-9](_?\\d)*|0(_?0)*)");
    private static final Pattern NAME = Pattern.compile("[\\p{L}_][\\p{L}\\p{N}_]*");
    private static final Pattern STRING = Pattern.compile(
            "('([^'\\\\]*(?:\\\\.[^'\\\\]*)*)'|\"([^\"\\\\]*(?:\\\\.[^\"\\\\]*)*)\")", Pattern.DOTALL);
    private static final Pattern RAW_BEGIN = Pattern.compile("\\s*raw\\s*(-%}|%})");
    private static final Pattern RAW_END = Pattern.compile("\\{%([-+]?)\\s*endraw\\s*(\\+%}|-%}|%}\\n?)");
    /** Longest first, as jinja2 sorts them. */
    private static final String[] OPERATORS = {"//", "**", "==", "!=", ">=", "<=",
        "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";"};

    private final String src;
    private final List<Token> out = new ArrayList<>();
    private int pos;
    private int line = 1;
    /** Whether the last match ended with a newline (the text that follows starts a line); true at the start. */
    private boolean lineStarting = true;

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String source) {
        Lexer lexer = new Lexer(normalizeNewlines(source));
        lexer.run();
        return lexer.out;
    }

    /** {@code \r\n} and {@code \r} become {@code \n}; a single trailing newline is dropped. */
    static String normalizeNewlines(String s) {
        String n = s.indexOf('\r') < 0 ? s : s.replace("\r\n", "\n").replace('\r', '\n');
        return n.endsWith("\n") ? n.substring(0, n.length() - 1) : n;
    }

    private void run() {
        while (pos < src.length()) {
            int tag = nextTagStart(pos);
            if (tag < 0) {
                emit(Kind.DATA, src.substring(pos), line);
                advanceTo(src.length());
                break;
            }
            char type = src.charAt(tag + 1);
            char sign = tag + 2 < src.length() ? src.charAt(tag + 2) : 0;
            boolean signed = sign == '-' || sign == '+';
            int afterStart = tag + 2 + (signed ? 1 : 0);
            Matcher raw = type == '%' ? RAW_BEGIN.matcher(src).region(afterStart, src.length()) : null;
            boolean isRaw = raw != null && raw.lookingAt();
            String text = stripBefore(src.substring(pos, tag), signed ? sign : 0, type != '{');
            if (!text.isEmpty()) {
                emit(Kind.DATA, text, line);
            }
            advanceTo(afterStart);
            lineStarting = false;
            if (isRaw) {
                rawBlock(raw);
            } else if (type == '#') {
                comment();
            } else {
                expression(type == '%');
            }
        }
        emit(Kind.EOF, "", line);
    }

    /** The earliest {@code {{}, {@code {%} or {@code {#} at or after {@code from}, or -1. */
    private int nextTagStart(int from) {
        for (int i = src.indexOf('{', from); i >= 0 && i + 1 < src.length(); i = src.indexOf('{', i + 1)) {
            char c = src.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
        }
        return -1;
    }

    /** jinja2's OptionalLStrip: the data before a tag after its whitespace control. */
    private String stripBefore(String text, char sign, boolean lstripAllowed) {
        if (sign == '-') {
            return PyStr.rstrip(text, null);
        }
        if (sign != '+' && lstripAllowed) {
            int lineStart = text.lastIndexOf('\n') + 1;
            if ((lineStart > 0 || lineStarting) && lineStart < text.length() && allSpace(text, lineStart)) {
                return text.substring(0, lineStart);
            }
        }
        return text;
    }

    private static boolean allSpace(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (!PyStr.isSpace(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private void comment() {
        int end = src.indexOf("#}", pos);
        if (end < 0) {
            throw new TemplateException("Missing end of comment tag", line);
        }
        char before = end > pos ? src.charAt(end - 1) : 0;
        int next = end + 2;
        if (before == '-') {
            next = skipSpace(next);
        } else if (before != '+' && next < src.length() && src.charAt(next) == '\n') {
            next++;
        }
        lineStarting = src.charAt(next - 1) == '\n';
        advanceTo(next);
    }

    private void rawBlock(Matcher begin) {
        int bodyStart = begin.group(1).equals("-%}") ? skipSpace(begin.end()) : begin.end();
        advanceTo(bodyStart);
        Matcher end = RAW_END.matcher(src).region(pos, src.length());
        if (!end.find()) {
            throw new TemplateException("Missing end of raw directive", line);
        }
        String sign = end.group(1);
        String text = stripBefore(src.substring(pos, end.start()), sign.isEmpty() ? 0 : sign.charAt(0), true);
        if (!text.isEmpty()) {
            emit(Kind.DATA, text, line);
        }
        int next = end.group(2).equals("-%}") ? skipSpace(end.end()) : end.end();
        lineStarting = src.charAt(next - 1) == '\n';
        advanceTo(next);
    }

    /** The tokens of a {@code {{ ... }}} or {@code {% ... %}} up to and including its end. */
    private void expression(boolean block) {
        emit(block ? Kind.BLOCK_BEGIN : Kind.VARIABLE_BEGIN, block ? "{%" : "{{", line);
        Deque<Character> brackets = new ArrayDeque<>();
        while (true) {
            if (pos >= src.length()) {
                throw new TemplateException("unexpected end of template, expected '"
                        + (block ? "end of statement block" : "end of print statement") + "'", line);
            }
            if (brackets.isEmpty() && tagEnd(block)) {
                return;
            }
            char c = src.charAt(pos);
            if (PyStr.isSpace(c)) {
                advanceTo(skipSpace(pos));
                continue;
            }
            int startLine = line;
            Matcher m;
            if ((m = match(FLOAT)) != null) {
                String v = m.group().replace("_", "");
                emit(new Token(Kind.FLOAT, v, Double.parseDouble(v), startLine));
            } else if ((m = match(INTEGER)) != null) {
                emit(new Token(Kind.INTEGER, m.group(), parseInteger(m.group().replace("_", "")), startLine));
            } else if ((m = match(NAME)) != null) {
                emit(Kind.NAME, m.group(), startLine);
            } else if ((m = match(STRING)) != null) {
                String body = m.group().substring(1, m.group().length() - 1);
                emit(new Token(Kind.STRING, m.group(), PyStr.unescape(body), startLine));
            } else {
                String op = operatorAt(pos);
                if (op == null) {
                    throw new TemplateException("unexpected char '" + c + "' at " + pos, line);
                }
                balance(brackets, op);
                emit(Kind.OPERATOR, op, startLine);
                advanceTo(pos + op.length());
                continue;
            }
            advanceTo(m.end());
        }
    }

    /** Consumes the closing {@code %}} or {@code }}} (with its whitespace control) if it is at {@code pos}. */
    private boolean tagEnd(boolean block) {
        String close = block ? "%}" : "}}";
        int next;
        if (src.startsWith("-" + close, pos)) {
            next = skipSpace(pos + 3);
        } else if (block && src.startsWith("+" + close, pos)) {
            next = pos + 3;
        } else if (src.startsWith(close, pos)) {
            next = pos + 2;
            if (block && next < src.length() && src.charAt(next) == '\n') {
                next++;
            }
        } else {
            return false;
        }
        emit(block ? Kind.BLOCK_END : Kind.VARIABLE_END, close, line);
        lineStarting = src.charAt(next - 1) == '\n';
        advanceTo(next);
        return true;
    }

    private void balance(Deque<Character> brackets, String op) {
        switch (op) {
            case "(" -> brackets.push(')');
            case "[" -> brackets.push(']');
            case "{" -> brackets.push('}');
            case ")", "]", "}" -> {
                if (brackets.isEmpty()) {
                    throw new TemplateException("unexpected '" + op + "'", line);
                }
                char expected = brackets.pop();
                if (expected != op.charAt(0)) {
                    throw new TemplateException("unexpected '" + op + "', expected '" + expected + "'", line);
                }
            }
            default -> { }
        }
    }

    private String operatorAt(int at) {
        for (String op : OPERATORS) {
            if (src.startsWith(op, at)) {
                return op;
            }
        }
        return null;
    }

    private Matcher match(Pattern p) {
        Matcher m = p.matcher(src).region(pos, src.length()).useTransparentBounds(true);
        return m.lookingAt() ? m : null;
    }

    private static Object parseInteger(String s) {
        String lower = s.toLowerCase();
        int radix = lower.startsWith("0b") ? 2 : lower.startsWith("0o") ? 8 : lower.startsWith("0x") ? 16 : 10;
        return Long.parseLong(radix == 10 ? s : s.substring(2), radix);
    }

    private int skipSpace(int from) {
        int i = from;
        while (i < src.length() && PyStr.isSpace(src.charAt(i))) {
            i++;
        }
        return i;
    }

    private void advanceTo(int next) {
        for (int i = pos; i < next; i++) {
            if (src.charAt(i) == '\n') {
                line++;
            }
        }
        pos = next;
    }

    private void emit(Kind kind, String value, int atLine) {
        out.add(new Token(kind, value, atLine));
    }

    private void emit(Token t) {
        out.add(t);
    }
}
