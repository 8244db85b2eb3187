package dev.ariadne.chat.jinja;

/**
 * A template that cannot be parsed (jinja2's {@code TemplateSyntaxError}) or that fails while rendering (an undefined
 * attribute, a type error, or the template's own {@code raise_exception(...)}). The message ends with the template
 * line when it is known.
 */
public final class TemplateException extends IllegalArgumentException {
    private final String reason;
    private final int line;

    public TemplateException(String reason, int line) {
        super(line > 0 ? reason + " (template line " + line + ")" : reason);
        this.reason = reason;
        this.line = line;
    }

    /** An error whose line is filled in by the statement that catches it. */
    public TemplateException(String reason) {
        this(reason, 0);
    }

    /** The message without the line. */
    public String reason() {
        return reason;
    }

    /** The 1-based template line, 0 when unknown. */
    public int line() {
        return line;
    }

    /** This error with {@code line} filled in when it had none. */
    TemplateException atLine(int newLine) {
        return line > 0 || newLine <= 0 ? this : new TemplateException(reason, newLine);
    }
}
