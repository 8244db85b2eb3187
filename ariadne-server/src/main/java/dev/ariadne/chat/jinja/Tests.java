package dev.ariadne.chat.jinja;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/** jinja2's built-in tests ({@code x is defined}, {@code is string}, {@code is mapping}, {@code is false}, ...). */
final class Tests {
    private static final Set<String> NAMES = Set.of("boolean", "callable", "defined", "divisibleby", "eq", "equalto",
            "==", "escaped", "even", "false", "filter", "float", "ge", ">=", "gt", "greaterthan", ">", "in", "integer",
            "iterable", "le", "<=", "lower", "lt", "lessthan", "<", "mapping", "ne", "!=", "none", "number", "odd",
            "sameas", "sequence", "string", "test", "true", "undefined", "upper");

    private Tests() {
    }

    static boolean exists(String name) {
        return NAMES.contains(name);
    }

    static boolean apply(String name, Object v, Args a) {
        return switch (name) {
            case "boolean" -> v instanceof Boolean;
            case "callable" -> v instanceof JinjaCallable;
            case "defined" -> !(v instanceof Undefined);
            case "undefined" -> v instanceof Undefined;
            case "none" -> v == null;
            case "true" -> Boolean.TRUE.equals(v);
            case "false" -> Boolean.FALSE.equals(v);
            case "string" -> v instanceof String;
            case "mapping" -> v instanceof Map;
            case "number" -> Py.isNumber(v);
            case "integer" -> Py.isInt(v);
            case "float" -> Py.isFloat(v);
            case "iterable" -> v instanceof String || v instanceof Collection || v instanceof Map
                    || v instanceof Undefined;
            case "sequence" -> v instanceof String || v instanceof Collection || v instanceof Map;
            case "even", "odd" -> {
                if (v instanceof Undefined u) {
                    throw u.error();
                }
                yield Math.floorMod(Py.toLong(v), 2) == (name.equals("even") ? 0 : 1);
            }
            case "divisibleby" -> Math.floorMod(Py.toLong(v), Py.toLong(a.required(0, "num"))) == 0;
            case "eq", "equalto", "==" -> Py.eq(v, a.required(0, "other"));
            case "ne", "!=" -> !Py.eq(v, a.required(0, "other"));
            case "lt", "lessthan", "<" -> Py.compare(v, a.required(0, "other"), "<") < 0;
            case "le", "<=" -> Py.compare(v, a.required(0, "other"), "<=") <= 0;
            case "gt", "greaterthan", ">" -> Py.compare(v, a.required(0, "other"), ">") > 0;
            case "ge", ">=" -> Py.compare(v, a.required(0, "other"), ">=") >= 0;
            case "in" -> Py.contains(a.required(0, "seq"), v);
            case "sameas" -> sameAs(v, a.required(0, "other"));
            case "lower" -> Py.str(v).equals(Py.str(v).toLowerCase(java.util.Locale.ROOT));
            case "upper" -> Py.str(v).equals(Py.str(v).toUpperCase(java.util.Locale.ROOT));
            case "escaped" -> false;
            case "filter" -> Filters.exists(Py.str(v));
            case "test" -> exists(Py.str(v));
            default -> throw new IllegalStateException("test " + name + " is listed but not implemented");
        };
    }

    /** {@code is}: identity, which for the singletons None, True, False is value equality. */
    private static boolean sameAs(Object v, Object other) {
        if (v == null || other == null || v instanceof Boolean || other instanceof Boolean) {
            return v == null ? other == null : v.equals(other);
        }
        return v == other || v instanceof String && v.equals(other) || Py.isInt(v) && Py.isInt(other)
                && Py.toLong(v) == Py.toLong(other) && Math.abs(Py.toLong(v)) < 257;
    }
}
