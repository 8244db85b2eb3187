package dev.ariadne.chat.jinja;

/**
 * jinja2's default {@code Undefined}: a missing variable, attribute or item. It prints as the empty string, is false,
 * iterates as empty and has length 0; using it any other way (an attribute of it, arithmetic, a call) fails with
 * the message that says what was missing.
 */
final class Undefined {
    private final String hint;
    private final String error;

    Undefined(String hint) {
        this(hint, "UndefinedError");
    }

    private Undefined(String hint, String error) {
        this.hint = hint;
        this.error = error;
    }

    /** A method the sandbox refuses (one that would change a value): using it is a SecurityError. */
    static Undefined unsafe(Object owner, String name) {
        return new Undefined("access to attribute '" + name + "' of '" + Py.typeName(owner) + "' object is unsafe.",
                "SecurityError");
    }

    static Undefined name(String name) {
        return new Undefined("'" + name + "' is undefined");
    }

    static Undefined attribute(Object owner, Object attribute) {
        String what = owner == null ? "'None'" : "'" + Py.typeName(owner) + " object'";
        return new Undefined(what + (attribute instanceof String ? " has no attribute " : " has no element ")
                + Py.repr(attribute));
    }

    TemplateException error() {
        return new TemplateException(error + ": " + hint);
    }

    @Override
    public String toString() {
        return "";
    }
}
