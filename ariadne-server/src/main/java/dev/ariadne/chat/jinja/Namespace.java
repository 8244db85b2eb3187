package dev.ariadne.chat.jinja;

import java.util.LinkedHashMap;
import java.util.Map;

/** The object {@code namespace(...)} returns: attributes that {@code {% set ns.x = ... %}} may change in a loop. */
final class Namespace {
    final Map<String, Object> attributes = new LinkedHashMap<>();

    @Override
    public String toString() {
        return "<Namespace " + Py.repr(attributes) + ">";
    }
}
