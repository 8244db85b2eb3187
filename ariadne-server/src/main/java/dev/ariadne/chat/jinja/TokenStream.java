package dev.ariadne.chat.jinja;

import dev.ariadne.chat.jinja.Token.Kind;

import java.util.List;

/** A cursor over the lexer's tokens with jinja2's {@code expect}/{@code skip_if} helpers. */
final class TokenStream {
    private final List<Token> tokens;
    private int at;

    TokenStream(List<Token> tokens) {
        this.tokens = tokens;
    }

    Token current() {
        return tokens.get(at);
    }

    Token look() {
        return tokens.get(Math.min(at + 1, tokens.size() - 1));
    }

    Token next() {
        Token t = tokens.get(at);
        if (t.kind() != Kind.EOF) {
            at++;
        }
        return t;
    }

    boolean skipName(String name) {
        if (current().isName(name)) {
            next();
            return true;
        }
        return false;
    }

    boolean skipOp(String op) {
        if (current().isOp(op)) {
            next();
            return true;
        }
        return false;
    }

    Token expect(Kind kind) {
        Token t = current();
        if (t.kind() != kind) {
            throw fail("expected " + describe(kind) + ", got '" + t.describe() + "'", t);
        }
        return next();
    }

    Token expectOp(String op) {
        Token t = current();
        if (!t.isOp(op)) {
            throw fail("expected token '" + op + "', got '" + t.describe() + "'", t);
        }
        return next();
    }

    Token expectName(String name) {
        Token t = current();
        if (!t.isName(name)) {
            throw fail("expected token '" + name + "', got '" + t.describe() + "'", t);
        }
        return next();
    }

    static TemplateException fail(String message, Token at) {
        return new TemplateException("TemplateSyntaxError: " + message, at.line());
    }

    private static String describe(Kind kind) {
        return switch (kind) {
            case BLOCK_END -> "end of statement block";
            case VARIABLE_END -> "end of print statement";
            case NAME -> "name";
            default -> kind.name().toLowerCase();
        };
    }
}
