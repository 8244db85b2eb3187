package dev.ariadne.chat.jinja;

/** One lexer token; {@code value} is the text for data, names and operators, the decoded text for strings. */
record Token(Kind kind, String value, Object literal, int line) {
    enum Kind { DATA, VARIABLE_BEGIN, VARIABLE_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INTEGER, FLOAT, OPERATOR, EOF }

    Token(Kind kind, String value, int line) {
        this(kind, value, null, line);
    }

    boolean is(Kind k, String v) {
        return kind == k && value.equals(v);
    }

    boolean isName(String v) {
        return is(Kind.NAME, v);
    }

    boolean isOp(String v) {
        return is(Kind.OPERATOR, v);
    }

    /** How jinja2 names the token in "unexpected ..." messages. */
    String describe() {
        return switch (kind) {
            case EOF -> "end of template";
            case BLOCK_END -> "end of statement block";
            case VARIABLE_END -> "end of print statement";
            case DATA -> "template data";
            default -> value;
        };
    }
}
