package dev.ariadne.chat.jinja;

import java.util.HashMap;
import java.util.Map;

/**
 * Variables visible at one point of a render, as a chain: globals, the render's arguments and top-level
 * {@code set}s, then one scope per loop iteration and per macro call. A {@code set} writes to the innermost scope,
 * so it does not leave a loop body (jinja2's rule; {@code namespace()} is the way out).
 */
final class Scope {
    private static final Object MISSING = new Object();

    private final Scope parent;
    private final Map<String, Object> vars = new HashMap<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    Scope(Scope parent, Map<String, ?> initial) {
        this(parent);
        vars.putAll(initial);
    }

    Object lookup(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            Object v = s.vars.getOrDefault(name, MISSING);
            if (v != MISSING) {
                return v;
            }
        }
        return Undefined.name(name);
    }

    void set(String name, Object value) {
        vars.put(name, value);
    }
}
