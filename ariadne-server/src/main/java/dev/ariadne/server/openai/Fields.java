package dev.ariadne.server.openai;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Type-checked reads of request fields: a wrong type or an out-of-range value is a 400 naming the field (the
 * {@code param} of the error), never a silent default. Absent and JSON null both mean "not given", as in the
 * OpenAI API.
 */
final class Fields {
    private Fields() {
    }

    static boolean has(JsonNode o, String f) {
        JsonNode v = o.get(f);
        return v != null && !v.isNull();
    }

    static String string(JsonNode o, String f, String dflt) {
        if (!has(o, f)) return dflt;
        JsonNode v = o.get(f);
        if (!v.isTextual()) throw ApiError.badRequest("'" + f + "' must be a string, found " + kind(v), f);
        return v.asText();
    }

    static boolean bool(JsonNode o, String f, boolean dflt) {
        if (!has(o, f)) return dflt;
        JsonNode v = o.get(f);
        if (!v.isBoolean()) throw ApiError.badRequest("'" + f + "' must be true or false, found " + kind(v), f);
        return v.asBoolean();
    }

    static double number(JsonNode o, String f, double dflt, double min, double max) {
        if (!has(o, f)) return dflt;
        JsonNode v = o.get(f);
        if (!v.isNumber()) throw ApiError.badRequest("'" + f + "' must be a number, found " + kind(v), f);
        double d = v.asDouble();
        if (!(d >= min && d <= max)) {
            throw ApiError.badRequest("'" + f + "' must be in [" + fmt(min) + ", " + fmt(max) + "], found " + v, f);
        }
        return d;
    }

    static long integer(JsonNode o, String f, long dflt, long min, long max) {
        if (!has(o, f)) return dflt;
        JsonNode v = o.get(f);
        if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            throw ApiError.badRequest("'" + f + "' must be an integer, found " + kind(v), f);
        }
        if (!v.canConvertToLong()) throw ApiError.badRequest("'" + f + "' is out of range: " + v, f);
        long n = v.asLong();
        if (n < min || n > max) {
            throw ApiError.badRequest("'" + f + "' must be in [" + min + ", " + max + "], found " + n, f);
        }
        return n;
    }

    static JsonNode object(JsonNode o, String f) {
        if (!has(o, f)) return null;
        JsonNode v = o.get(f);
        if (!v.isObject()) throw ApiError.badRequest("'" + f + "' must be an object, found " + kind(v), f);
        return v;
    }

    static JsonNode array(JsonNode o, String f) {
        if (!has(o, f)) return null;
        JsonNode v = o.get(f);
        if (!v.isArray()) throw ApiError.badRequest("'" + f + "' must be an array, found " + kind(v), f);
        return v;
    }

    static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL, MISSING -> "null";
            default -> v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
