package dev.ariadne.chat.jinja;

import java.util.List;
import java.util.Map;

/** The arguments of one call (positional, then keyword), read by position or by name with Python's checks. */
record Args(String function, List<Object> positional, Map<String, Object> keywords) {
    Object get(int index, String name, Object fallback) {
        if (index >= 0 && index < positional.size()) {
            return positional.get(index);
        }
        return keywords.containsKey(name) ? keywords.get(name) : fallback;
    }

    boolean has(int index, String name) {
        return index >= 0 && index < positional.size() || keywords.containsKey(name);
    }

    Object required(int index, String name) {
        if (!has(index, name)) {
            throw new TemplateException("TypeError: " + function + "() missing required argument '" + name + "'");
        }
        return get(index, name, null);
    }

    String string(int index, String name) {
        Object v = required(index, name);
        if (!(v instanceof String s)) {
            throw new TemplateException("TypeError: " + function + "() argument '" + name + "' must be str, not "
                    + Py.typeName(v));
        }
        return s;
    }

    /** A str argument that may be left out or None. */
    String optString(int index, String name) {
        Object v = get(index, name, null);
        if (v == null || v instanceof Undefined) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new TemplateException("TypeError: " + function + "() argument '" + name + "' must be str or None, not "
                    + Py.typeName(v));
        }
        return s;
    }

    long getLong(int index, String name, long fallback) {
        Object v = get(index, name, null);
        if (v == null) {
            return fallback;
        }
        if (!Py.isInt(v) && !(v instanceof Boolean)) {
            throw new TemplateException("TypeError: " + function + "() argument '" + name
                    + "' must be an integer, not " + Py.typeName(v));
        }
        return Py.toLong(v);
    }

    boolean flag(int index, String name, boolean fallback) {
        return has(index, name) ? Py.truthy(get(index, name, null)) : fallback;
    }
}
