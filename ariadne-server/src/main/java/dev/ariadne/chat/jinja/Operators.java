package dev.ariadne.chat.jinja;

import java.util.ArrayList;
import java.util.List;

/** Python's arithmetic operators: int stays int (exact, no silent overflow), {@code /} is true division. */
final class Operators {
    private Operators() {
    }

    static Object binary(String op, Object a, Object b) {
        if (a instanceof Undefined u) {
            throw u.error();
        }
        if (b instanceof Undefined u) {
            throw u.error();
        }
        if (Py.isNumber(a) && Py.isNumber(b)) {
            return numeric(op, a, b);
        }
        switch (op) {
            case "+" -> {
                if (a instanceof String x && b instanceof String y) {
                    return x + y;
                }
                if (a instanceof List<?> x && b instanceof List<?> y && (a instanceof PyTuple) == (b instanceof PyTuple)) {
                    List<Object> all = new ArrayList<>(x);
                    all.addAll(y);
                    return a instanceof PyTuple ? new PyTuple(all) : all;
                }
                if (a instanceof String || (a instanceof List && !(a instanceof PyTuple))) {
                    throw new TemplateException("TypeError: can only concatenate " + Py.typeName(a) + " (not \""
                            + Py.typeName(b) + "\") to " + Py.typeName(a));
                }
            }
            case "*" -> {
                if (Py.isInt(b) || b instanceof Boolean) {
                    return repeat(a, Py.toLong(b));
                }
                if (Py.isInt(a) || a instanceof Boolean) {
                    return repeat(b, Py.toLong(a));
                }
            }
            default -> { }
        }
        throw unsupported(op, a, b);
    }

    private static Object repeat(Object seq, long times) {
        int n = (int) Math.max(0, Math.min(times, Integer.MAX_VALUE));
        if (seq instanceof String s) {
            return s.repeat(n);
        }
        if (seq instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.addAll(l);
            }
            return seq instanceof PyTuple ? new PyTuple(out) : out;
        }
        throw new TemplateException("TypeError: can't multiply sequence by non-int of type '" + Py.typeName(seq) + "'");
    }

    private static Object numeric(String op, Object a, Object b) {
        boolean floats = Py.isFloat(a) || Py.isFloat(b);
        if (op.equals("/") || floats) {
            return floating(op, Py.toDouble(a), Py.toDouble(b));
        }
        long x = Py.toLong(a);
        long y = Py.toLong(b);
        try {
            return switch (op) {
                case "+" -> Math.addExact(x, y);
                case "-" -> Math.subtractExact(x, y);
                case "*" -> Math.multiplyExact(x, y);
                case "//" -> {
                    checkZero(y, "integer division or modulo by zero");
                    yield Math.floorDiv(x, y);
                }
                case "%" -> {
                    checkZero(y, "integer modulo by zero");
                    yield Math.floorMod(x, y);
                }
                case "**" -> y < 0 ? (Object) Math.pow(x, y) : power(x, y);
                default -> throw new IllegalArgumentException(op);
            };
        } catch (ArithmeticException e) {
            throw new TemplateException("OverflowError: integer result of " + op + " does not fit in 64 bits");
        }
    }

    private static long power(long base, long exponent) {
        long result = 1;
        for (long i = 0; i < exponent; i++) {
            result = Math.multiplyExact(result, base);
            if (result == 0 || result == 1 && base == 1) {
                break;
            }
        }
        return result;
    }

    private static double floating(String op, double x, double y) {
        return switch (op) {
            case "+" -> x + y;
            case "-" -> x - y;
            case "*" -> x * y;
            case "/" -> {
                checkZero(y, "division by zero");
                yield x / y;
            }
            case "//" -> {
                checkZero(y, "float floor division by zero");
                yield Math.floor(x / y);
            }
            case "%" -> {
                checkZero(y, "float modulo");
                double r = x % y;
                yield r != 0 && (r < 0) != (y < 0) ? r + y : r;
            }
            case "**" -> Math.pow(x, y);
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static void checkZero(double divisor, String message) {
        if (divisor == 0) {
            throw new TemplateException("ZeroDivisionError: " + message);
        }
    }

    static Object negate(Object v) {
        if (v instanceof Undefined u) {
            throw u.error();
        }
        if (Py.isFloat(v)) {
            return -Py.toDouble(v);
        }
        if (Py.isNumber(v)) {
            return Math.negateExact(Py.toLong(v));
        }
        throw new TemplateException("TypeError: bad operand type for unary -: '" + Py.typeName(v) + "'");
    }

    static Object plus(Object v) {
        if (v instanceof Undefined u) {
            throw u.error();
        }
        if (Py.isNumber(v)) {
            return Py.isFloat(v) ? (Object) Py.toDouble(v) : (Object) Py.toLong(v);
        }
        throw new TemplateException("TypeError: bad operand type for unary +: '" + Py.typeName(v) + "'");
    }

    private static TemplateException unsupported(String op, Object a, Object b) {
        return new TemplateException("TypeError: unsupported operand type(s) for " + op + ": '" + Py.typeName(a)
                + "' and '" + Py.typeName(b) + "'");
    }

    /** Python's {@code seq[start:stop:step]} for a list, tuple or string. */
    static Object slice(Object seq, Object start, Object stop, Object step) {
        long st = step == null ? 1 : index(step);
        if (st == 0) {
            throw new TemplateException("ValueError: slice step cannot be zero");
        }
        List<Object> items = seq instanceof String s ? PyStr.chars(s) : Py.iterate(seq);
        int n = items.size();
        long lower = st > 0 ? 0 : -1;
        long upper = st > 0 ? n : n - 1;
        long from = bound(start, n, lower, upper, st > 0 ? lower : upper);
        long to = bound(stop, n, lower, upper, st > 0 ? upper : lower);
        List<Object> out = new ArrayList<>();
        for (long i = from; st > 0 ? i < to : i > to; i += st) {
            out.add(items.get((int) i));
        }
        if (seq instanceof String) {
            StringBuilder b = new StringBuilder();
            out.forEach(c -> b.append((String) c));
            return b.toString();
        }
        return seq instanceof PyTuple ? new PyTuple(out) : out;
    }

    private static long bound(Object value, int n, long lower, long upper, long fallback) {
        if (value == null) {
            return fallback;
        }
        long v = index(value);
        if (v < 0) {
            v += n;
            return Math.max(v, lower);
        }
        return Math.min(v, upper);
    }

    private static long index(Object v) {
        if (Py.isInt(v) || v instanceof Boolean) {
            return Py.toLong(v);
        }
        throw new TemplateException("TypeError: slice indices must be integers or None");
    }
}
