package dev.ariadne.chat.jinja;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The Python semantics a template sees, over plain Java values: {@code String}, {@code Long} (also other integral
 * boxes), {@code Double}, {@code Boolean}, {@code null} (None), {@code List} (list), {@link PyTuple}, {@code Map}
 * (dict), {@link Undefined}, {@link Namespace}, {@link JinjaCallable}. Truth, {@code str()}, {@code repr()},
 * equality, ordering, {@code len()} and iteration.
 */
final class Py {
    private Py() {
    }

    static boolean truthy(Object v) {
        return switch (v) {
            case null -> false;
            case Boolean b -> b;
            case String s -> !s.isEmpty();
            case Double d -> d != 0.0;
            case Float f -> f != 0.0f;
            case Number n -> n.longValue() != 0;
            case Collection<?> c -> !c.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            case Undefined u -> false;
            default -> true;
        };
    }

    static boolean isInt(Object v) {
        return v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte;
    }

    static boolean isFloat(Object v) {
        return v instanceof Double || v instanceof Float;
    }

    /** int, float or bool (Python's bool is an int). */
    static boolean isNumber(Object v) {
        return isInt(v) || isFloat(v) || v instanceof Boolean;
    }

    static long toLong(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).longValue();
    }

    static double toDouble(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue();
    }

    static String typeName(Object v) {
        return switch (v) {
            case null -> "NoneType";
            case String s -> "str";
            case Boolean b -> "bool";
            case Double d -> "float";
            case Float f -> "float";
            case Number n -> "int";
            case PyTuple t -> "tuple";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            case Undefined u -> "Undefined";
            case Namespace n -> "Namespace";
            case LoopContext l -> "LoopContext";
            case JinjaCallable c -> "function";
            default -> v.getClass().getSimpleName();
        };
    }

    /** {@code str(v)}, as {@code {{ v }}} prints it. */
    static String str(Object v) {
        return switch (v) {
            case String s -> s;
            case null -> "None";
            case Boolean b -> b ? "True" : "False";
            case Double d -> floatRepr(d);
            case Float f -> floatRepr(f);
            case Undefined u -> "";
            case Collection<?> c -> repr(c);
            case Map<?, ?> m -> repr(m);
            default -> v.toString();
        };
    }

    static String repr(Object v) {
        return switch (v) {
            case null -> "None";
            case String s -> stringRepr(s);
            case PyTuple t -> t.size() == 1 ? "(" + repr(t.get(0)) + ",)" : join("(", t, ")");
            case Collection<?> c -> join("[", c, "]");
            case Map<?, ?> m -> {
                StringBuilder b = new StringBuilder("{");
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (b.length() > 1) {
                        b.append(", ");
                    }
                    b.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                }
                yield b.append('}').toString();
            }
            case Undefined u -> "Undefined";
            default -> str(v);
        };
    }

    private static String join(String open, Collection<?> items, String close) {
        StringBuilder b = new StringBuilder(open);
        for (Object item : items) {
            if (b.length() > open.length()) {
                b.append(", ");
            }
            b.append(repr(item));
        }
        return b.append(close).toString();
    }

    private static String stringRepr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder b = new StringBuilder(s.length() + 2).append(quote);
        s.codePoints().forEach(c -> {
            if (c == quote || c == '\\') {
                b.append('\\').appendCodePoint(c);
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c < 0x20 || c == 0x7f || (c > 0x7f && !printable(c))) {
                b.append('\\').append(PyStr.asciiEscape(c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.append(quote).toString();
    }

    private static boolean printable(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                 Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    /** Python's {@code repr(float)}: the shortest round-tripping digits, exponent form below 1e-4 and from 1e16. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        // Double.toString gives the shortest decimal that rounds to d (JDK 19+), as Python's repr does.
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        if (exact.precision() == 2) {
            // Double.toString never writes a single digit: where one would round-trip it gives the closest
            // two-digit decimal, which is not always that digit and a zero (4.9E-324, where Python writes 5e-324).
            BigDecimal one = new BigDecimal(Math.abs(d)).round(new MathContext(1, RoundingMode.HALF_EVEN));
            if (Double.parseDouble(one.toString()) == Math.abs(d)) {
                exact = one.stripTrailingZeros();
            }
        }
        String digits = exact.unscaledValue().toString();
        int point = digits.length() - exact.scale();
        StringBuilder b = new StringBuilder(d < 0 ? "-" : "");
        if (point <= -4 || point > 16) {
            b.append(digits.charAt(0));
            if (digits.length() > 1) {
                b.append('.').append(digits, 1, digits.length());
            }
            int exponent = point - 1;
            b.append(exponent < 0 ? "e-" : "e+");
            int abs = Math.abs(exponent);
            b.append(abs < 10 ? "0" : "").append(abs);
        } else if (point <= 0) {
            b.append("0.").append("0".repeat(-point)).append(digits);
        } else if (point >= digits.length()) {
            b.append(digits).append("0".repeat(point - digits.length())).append(".0");
        } else {
            b.append(digits, 0, point).append('.').append(digits, point, digits.length());
        }
        return b.toString();
    }

    static boolean eq(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (isNumber(a) && isNumber(b)) {
            return isFloat(a) || isFloat(b) ? toDouble(a) == toDouble(b) : toLong(a) == toLong(b);
        }
        if (a instanceof Undefined || b instanceof Undefined) {
            return a instanceof Undefined && b instanceof Undefined;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if ((a instanceof PyTuple) != (b instanceof PyTuple) || x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!eq(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !eq(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** The sign of {@code a <=> b} for Python's ordering operators, or a TypeError naming {@code op}. */
    static int compare(Object a, Object b, String op) {
        if (a instanceof Undefined u) {
            throw u.error();
        }
        if (b instanceof Undefined u) {
            throw u.error();
        }
        if (isNumber(a) && isNumber(b)) {
            return isFloat(a) || isFloat(b) ? Double.compare(toDouble(a), toDouble(b)) : Long.compare(toLong(a), toLong(b));
        }
        if (a instanceof String x && b instanceof String y) {
            return compareCodePoints(x, y);
        }
        if (a instanceof List<?> x && b instanceof List<?> y && (a instanceof PyTuple) == (b instanceof PyTuple)) {
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                if (!eq(x.get(i), y.get(i))) {
                    return compare(x.get(i), y.get(i), op);
                }
            }
            return Integer.compare(x.size(), y.size());
        }
        throw new TemplateException("TypeError: '" + op + "' not supported between instances of '" + typeName(a)
                + "' and '" + typeName(b) + "'");
    }

    private static int compareCodePoints(String x, String y) {
        int i = 0;
        int j = 0;
        while (i < x.length() && j < y.length()) {
            int a = x.codePointAt(i);
            int b = y.codePointAt(j);
            if (a != b) {
                return Integer.compare(a, b);
            }
            i += Character.charCount(a);
            j += Character.charCount(b);
        }
        return Boolean.compare(i < x.length(), j < y.length());
    }

    static int len(Object v) {
        return switch (v) {
            case null -> throw new TemplateException("TypeError: object of type 'NoneType' has no len()");
            case String s -> PyStr.length(s);
            case Collection<?> c -> c.size();
            case Map<?, ?> m -> m.size();
            case Undefined u -> 0;
            default -> throw new TemplateException("TypeError: object of type '" + typeName(v) + "' has no len()");
        };
    }

    /** What {@code for x in v} visits: items of a list, characters of a string, keys of a dict. */
    static List<Object> iterate(Object v) {
        return switch (v) {
            case null -> throw new TemplateException("TypeError: 'NoneType' object is not iterable");
            case List<?> l -> cast(l);
            case String s -> PyStr.chars(s);
            case Map<?, ?> m -> new ArrayList<>(m.keySet());
            case Collection<?> c -> new ArrayList<>(c);
            case Undefined u -> List.of();
            case Iterator<?> it -> {
                List<Object> all = new ArrayList<>();
                it.forEachRemaining(all::add);
                yield all;
            }
            default -> throw new TemplateException("TypeError: '" + typeName(v) + "' object is not iterable");
        };
    }

    @SuppressWarnings("unchecked")
    private static List<Object> cast(List<?> l) {
        return (List<Object>) l;
    }

    /** Python's {@code x in container}. */
    static boolean contains(Object container, Object item) {
        return switch (container) {
            case null -> throw new TemplateException("TypeError: argument of type 'NoneType' is not iterable");
            case String s -> {
                if (!(item instanceof String sub)) {
                    throw new TemplateException("TypeError: 'in <string>' requires string as left operand, not "
                            + typeName(item));
                }
                yield s.contains(sub);
            }
            case Map<?, ?> m -> m.keySet().stream().anyMatch(k -> eq(k, item));
            case Undefined u -> false;
            case Collection<?> c -> c.stream().anyMatch(x -> eq(x, item));
            default -> throw new TemplateException("TypeError: argument of type '" + typeName(container)
                    + "' is not iterable");
        };
    }
}
