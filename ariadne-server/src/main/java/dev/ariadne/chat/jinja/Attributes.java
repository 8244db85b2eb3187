package dev.ariadne.chat.jinja;

import java.util.List;
import java.util.Map;

/**
 * {@code obj.name} and {@code obj[key]} as jinja2's sandbox resolves them: {@code .name} tries the Python attribute
 * (a method such as {@code str.startswith} or {@code dict.items}) before the item, {@code [key]} the item before the
 * attribute; a miss is {@link Undefined}; a method that would change a value (list.append, dict.update) is unsafe.
 */
final class Attributes {
    private Attributes() {
    }

    static Object getattr(Object obj, String name) {
        if (obj instanceof Undefined u) {
            throw u.error();
        }
        Object attribute = attribute(obj, name);
        if (attribute != null) {
            return attribute;
        }
        Object item = item(obj, name);
        return item != MISSING ? item : Undefined.attribute(obj, name);
    }

    static Object getitem(Object obj, Object key) {
        if (obj instanceof Undefined u) {
            throw u.error();
        }
        if (key instanceof Slice s) {
            if (obj instanceof String || obj instanceof List) {
                return Operators.slice(obj, s.start(), s.stop(), s.step());
            }
            return Undefined.attribute(obj, key);
        }
        Object item = item(obj, key);
        if (item != MISSING) {
            return item;
        }
        if (key instanceof String name) {
            Object attribute = attribute(obj, name);
            if (attribute != null) {
                return attribute;
            }
        }
        return Undefined.attribute(obj, key);
    }

    /** A Python slice as a subscript value. */
    record Slice(Object start, Object stop, Object step) {
    }

    private static final Object MISSING = new Object();

    private static Object item(Object obj, Object key) {
        switch (obj) {
            case null -> {
                return MISSING;
            }
            case Map<?, ?> m -> {
                Object k = Py.isInt(key) ? (Object) Py.toLong(key) : key;
                if (m.containsKey(k)) {
                    return m.get(k);
                }
                return m.containsKey(key) ? m.get(key) : MISSING;
            }
            case List<?> l when Py.isInt(key) || key instanceof Boolean -> {
                long i = Py.toLong(key);
                long at = i < 0 ? i + l.size() : i;
                return at >= 0 && at < l.size() ? l.get((int) at) : MISSING;
            }
            case String s when Py.isInt(key) || key instanceof Boolean -> {
                long i = Py.toLong(key);
                int n = PyStr.length(s);
                long at = i < 0 ? i + n : i;
                if (at < 0 || at >= n) {
                    return MISSING;
                }
                int offset = s.offsetByCodePoints(0, (int) at);
                return Character.toString(s.codePointAt(offset));
            }
            case Namespace ns when key instanceof String name -> {
                return ns.attributes.containsKey(name) ? ns.attributes.get(name) : MISSING;
            }
            default -> {
                return MISSING;
            }
        }
    }

    /** The attribute {@code name} of {@code obj}, or null when it has none. */
    private static Object attribute(Object obj, String name) {
        if (name.startsWith("_")) {
            return null;
        }
        if (obj instanceof Namespace ns) {
            return ns.attributes.containsKey(name) ? ns.attributes.get(name) : null;
        }
        if (obj instanceof LoopContext loop) {
            return loop.attribute(name);
        }
        if (Methods.isUnsafe(obj, name)) {
            return Undefined.unsafe(obj, name);
        }
        return Methods.bind(obj, name);
    }
}
