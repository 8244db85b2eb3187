package dev.ariadne.json;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed access to a parsed JSON object, with errors that name the field and, through {@code where}, the file.
 */
public record JsonObject(Map<String, Object> map, String where) {

    public static JsonObject parse(String text, String where) {
        try {
            return new JsonObject(Json.parseObject(text), where);
        } catch (JsonException e) {
            throw new JsonException(where + ": bad JSON: " + e.getMessage());
        }
    }

    public boolean has(String key) {
        return map.containsKey(key) && map.get(key) != null;
    }

    public Object raw(String key) {
        return map.get(key);
    }

    public long getLong(String key) {
        Object v = require(key);
        if (v instanceof Long l) return l;
        if (v instanceof Double d && d == Math.rint(d)) return d.longValue();
        throw wrongType(key, "an integer", v);
    }

    public int getInt(String key) {
        long v = getLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new JsonException(where + ": field '" + key + "' = " + v + " is out of range");
        }
        return (int) v;
    }

    public int getInt(String key, int fallback) {
        return has(key) ? getInt(key) : fallback;
    }

    public double getDouble(String key) {
        Object v = require(key);
        if (v instanceof Number n) return n.doubleValue();
        throw wrongType(key, "a number", v);
    }

    public double getDouble(String key, double fallback) {
        return has(key) ? getDouble(key) : fallback;
    }

    public boolean getBoolean(String key, boolean fallback) {
        if (!has(key)) return fallback;
        Object v = map.get(key);
        if (v instanceof Boolean b) return b;
        throw wrongType(key, "a boolean", v);
    }

    public String getString(String key) {
        Object v = require(key);
        if (v instanceof String s) return s;
        throw wrongType(key, "a string", v);
    }

    public Optional<String> optString(String key) {
        return has(key) ? Optional.of(getString(key)) : Optional.empty();
    }

    @SuppressWarnings("unchecked")
    public JsonObject getObject(String key) {
        Object v = require(key);
        if (v instanceof Map<?, ?> m) return new JsonObject((Map<String, Object>) m, where + " ." + key);
        throw wrongType(key, "an object", v);
    }

    public Optional<JsonObject> optObject(String key) {
        return has(key) ? Optional.of(getObject(key)) : Optional.empty();
    }

    @SuppressWarnings("unchecked")
    public List<Object> getArray(String key) {
        Object v = require(key);
        if (v instanceof List<?> l) return (List<Object>) l;
        throw wrongType(key, "an array", v);
    }

    private Object require(String key) {
        if (!has(key)) {
            throw new JsonException(where + ": missing field '" + key + "'");
        }
        return map.get(key);
    }

    private JsonException wrongType(String key, String expected, Object v) {
        return new JsonException(where + ": field '" + key + "' should be " + expected + ", found "
                + Json.typeName(v) + " " + v);
    }
}
