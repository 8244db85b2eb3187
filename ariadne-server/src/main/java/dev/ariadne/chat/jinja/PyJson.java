package dev.ariadne.chat.jinja;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps(x, ensure_ascii, indent, separators, sort_keys)}, which transformers' {@code tojson}
 * filter calls with {@code ensure_ascii=False}: separators {@code ", "} and {@code ": "} (or {@code ","} and
 * {@code ": "} with an indent), keys in insertion order, floats as Python's repr, NaN and Infinity as Python writes
 * them. Public for the tool-call parsers, which serialize arguments as vLLM does:
 * {@code json.dumps(arguments, ensure_ascii=False)}.
 */
public final class PyJson {
    private final boolean ensureAscii;
    private final String indent;
    private final String itemSeparator;
    private final String keySeparator;
    private final boolean sortKeys;

    private PyJson(boolean ensureAscii, String indent, String itemSeparator, String keySeparator, boolean sortKeys) {
        this.ensureAscii = ensureAscii;
        this.indent = indent;
        this.itemSeparator = itemSeparator;
        this.keySeparator = keySeparator;
        this.sortKeys = sortKeys;
    }

    /**
     * {@code json.dumps(value, ensure_ascii=ensureAscii)}: default separators, no indent, keys in insertion order.
     * Values are plain JSON values (maps, lists, strings, booleans, null, integral numbers including
     * {@code BigInteger}, doubles).
     */
    public static String dumps(Object value, boolean ensureAscii) {
        return dumps(value, ensureAscii, null, null, false);
    }

    /**
     * @param indent null, an int (spaces) or a string
     * @param separators null or a two-item list/tuple (item separator, key separator)
     */
    static String dumps(Object value, boolean ensureAscii, Object indent, Object separators, boolean sortKeys) {
        String indentText = switch (indent) {
            case null -> null;
            case String s -> s;
            default -> " ".repeat((int) Math.max(0, Py.toLong(indent)));
        };
        String item = indentText == null ? ", " : ",";
        String key = ": ";
        if (separators != null) {
            List<Object> pair = Py.iterate(separators);
            if (pair.size() != 2) {
                throw new TemplateException("ValueError: separators must be an (item_separator, key_separator) pair");
            }
            item = Py.str(pair.get(0));
            key = Py.str(pair.get(1));
        }
        StringBuilder out = new StringBuilder();
        new PyJson(ensureAscii, indentText, item, key, sortKeys).write(value, out, 0);
        return out.toString();
    }

    private void write(Object v, StringBuilder out, int level) {
        switch (v) {
            case null -> out.append("null");
            case String s -> string(s, out);
            case Boolean b -> out.append(b ? "true" : "false");
            case Double d -> out.append(number(d));
            case Float f -> out.append(number(f));
            case BigInteger i -> out.append(i);
            case Number n -> out.append(n.longValue());
            case Collection<?> c -> array(c, out, level);
            case Map<?, ?> m -> object(m, out, level);
            default -> throw new TemplateException("TypeError: Object of type " + Py.typeName(v)
                    + " is not JSON serializable");
        }
    }

    private static String number(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return Py.floatRepr(d);
    }

    private void array(Collection<?> c, StringBuilder out, int level) {
        if (c.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (Object item : c) {
            out.append(first ? "" : itemSeparator);
            newline(out, level + 1);
            write(item, out, level + 1);
            first = false;
        }
        newline(out, level);
        out.append(']');
    }

    private void object(Map<?, ?> m, StringBuilder out, int level) {
        if (m.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<String, Object>> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            entries.add(Map.entry(key(e.getKey()), e.getValue() == null ? NULL : e.getValue()));
        }
        if (sortKeys) {
            entries.sort(Map.Entry.comparingByKey());
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : entries) {
            out.append(first ? "" : itemSeparator);
            newline(out, level + 1);
            string(e.getKey(), out);
            out.append(keySeparator);
            write(e.getValue() == NULL ? null : e.getValue(), out, level + 1);
            first = false;
        }
        newline(out, level);
        out.append('}');
    }

    /** Map.entry refuses null values. */
    private static final Object NULL = new Object();

    private static String key(Object k) {
        return switch (k) {
            case String s -> s;
            case null -> "null";
            case Boolean b -> b ? "true" : "false";
            case Double d -> number(d);
            case Number n when Py.isInt(n) -> Long.toString(n.longValue());
            default -> throw new TemplateException("TypeError: keys must be str, int, float, bool or None, not "
                    + Py.typeName(k));
        };
    }

    private void newline(StringBuilder out, int level) {
        if (indent != null) {
            out.append('\n').append(indent.repeat(level));
        }
    }

    private void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || ensureAscii && c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
