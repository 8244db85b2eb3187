package dev.ariadne.chat.jinja;

import java.util.List;
import java.util.Map;

/** Something a template can call: a global function, a macro, or a bound method of a value. */
@FunctionalInterface
public interface JinjaCallable {
    Object call(List<Object> args, Map<String, Object> kwargs);
}
