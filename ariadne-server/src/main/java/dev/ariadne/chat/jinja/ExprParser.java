package dev.ariadne.chat.jinja;

import dev.ariadne.chat.jinja.Token.Kind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Expressions of jinja2's grammar, with its precedence from loosest to tightest: conditional {@code x if c else y},
 * {@code or}, {@code and}, {@code not}, comparisons (with {@code in}/{@code not in}), {@code + -}, {@code ~},
 * {@code * / // %}, {@code **}, unary {@code - +}, then a primary with its postfixes ({@code .x}, {@code [i]},
 * {@code [a:b:c]}, calls) and filters/tests ({@code | f}, {@code is t}).
 */
final class ExprParser {
    private static final Set<String> COMPARE = Set.of("==", "!=", "<", "<=", ">", ">=");

    private final TokenStream stream;

    ExprParser(TokenStream stream) {
        this.stream = stream;
    }

    /** jinja2's parse_tuple: one expression, or a tuple when commas separate several. */
    Expr parseTuple(boolean withCondExpr, Set<String> extraEnd, boolean explicitParens) {
        int line = stream.current().line();
        List<Expr> items = new ArrayList<>();
        boolean tuple = false;
        while (true) {
            if (!items.isEmpty()) {
                stream.expectOp(",");
            }
            if (isTupleEnd(extraEnd)) {
                break;
            }
            items.add(parseExpression(withCondExpr));
            if (!stream.current().isOp(",")) {
                break;
            }
            tuple = true;
        }
        if (!tuple) {
            if (!items.isEmpty()) {
                return items.getFirst();
            }
            if (!explicitParens) {
                throw TokenStream.fail("Expected an expression, got '" + stream.current().describe() + "'",
                        stream.current());
            }
        }
        return new Expr.TupleLit(items, line);
    }

    private boolean isTupleEnd(Set<String> extraEnd) {
        Token t = stream.current();
        return t.kind() == Kind.VARIABLE_END || t.kind() == Kind.BLOCK_END || t.isOp(")")
                || t.kind() == Kind.NAME && extraEnd.contains(t.value());
    }

    Expr parseExpression(boolean withCondExpr) {
        return withCondExpr ? condExpr() : or();
    }

    private Expr condExpr() {
        int line = stream.current().line();
        Expr expr = or();
        while (stream.skipName("if")) {
            Expr test = or();
            Expr otherwise = stream.skipName("else") ? condExpr() : null;
            expr = new Expr.CondExpr(test, expr, otherwise, line);
            line = stream.current().line();
        }
        return expr;
    }

    private Expr or() {
        Expr left = and();
        while (stream.current().isName("or")) {
            int line = stream.next().line();
            left = new Expr.Binary("or", left, and(), line);
        }
        return left;
    }

    private Expr and() {
        Expr left = not();
        while (stream.current().isName("and")) {
            int line = stream.next().line();
            left = new Expr.Binary("and", left, not(), line);
        }
        return left;
    }

    private Expr not() {
        if (stream.current().isName("not")) {
            int line = stream.next().line();
            return new Expr.Unary("not", not(), line);
        }
        return compare();
    }

    private Expr compare() {
        int line = stream.current().line();
        Expr first = math1();
        List<String> ops = new ArrayList<>();
        List<Expr> operands = new ArrayList<>();
        while (true) {
            Token t = stream.current();
            if (t.kind() == Kind.OPERATOR && COMPARE.contains(t.value())) {
                stream.next();
                ops.add(t.value());
            } else if (stream.skipName("in")) {
                ops.add("in");
            } else if (t.isName("not") && stream.look().isName("in")) {
                stream.next();
                stream.next();
                ops.add("notin");
            } else {
                break;
            }
            operands.add(math1());
        }
        return ops.isEmpty() ? first : new Expr.Compare(first, ops, operands, line);
    }

    private Expr math1() {
        Expr left = concat();
        while (stream.current().isOp("+") || stream.current().isOp("-")) {
            Token op = stream.next();
            left = new Expr.Binary(op.value(), left, concat(), op.line());
        }
        return left;
    }

    private Expr concat() {
        int line = stream.current().line();
        List<Expr> parts = new ArrayList<>();
        parts.add(math2());
        while (stream.skipOp("~")) {
            parts.add(math2());
        }
        return parts.size() == 1 ? parts.getFirst() : new Expr.Concat(parts, line);
    }

    private Expr math2() {
        Expr left = pow();
        while (Set.of("*", "/", "//", "%").contains(stream.current().value())
                && stream.current().kind() == Kind.OPERATOR) {
            Token op = stream.next();
            left = new Expr.Binary(op.value(), left, pow(), op.line());
        }
        return left;
    }

    private Expr pow() {
        Expr left = unary(true);
        while (stream.current().isOp("**")) {
            Token op = stream.next();
            left = new Expr.Binary("**", left, unary(true), op.line());
        }
        return left;
    }

    private Expr unary(boolean withFilter) {
        Token t = stream.current();
        Expr node;
        if (t.isOp("-") || t.isOp("+")) {
            stream.next();
            node = new Expr.Unary(t.value(), unary(false), t.line());
        } else {
            node = primary();
        }
        node = postfix(node);
        return withFilter ? filterExpr(node) : node;
    }

    private Expr primary() {
        Token t = stream.current();
        switch (t.kind()) {
            case NAME -> {
                stream.next();
                return switch (t.value()) {
                    case "true", "True" -> new Expr.Const(true, t.line());
                    case "false", "False" -> new Expr.Const(false, t.line());
                    case "none", "None" -> new Expr.Const(null, t.line());
                    default -> new Expr.Name(t.value(), t.line());
                };
            }
            case STRING -> {
                StringBuilder b = new StringBuilder();
                while (stream.current().kind() == Kind.STRING) {
                    b.append((String) stream.next().literal());
                }
                return new Expr.Const(b.toString(), t.line());
            }
            case INTEGER, FLOAT -> {
                stream.next();
                return new Expr.Const(t.literal(), t.line());
            }
            case OPERATOR -> {
                switch (t.value()) {
                    case "(" -> {
                        stream.next();
                        Expr inner = parseTuple(true, Set.of(), true);
                        stream.expectOp(")");
                        return inner;
                    }
                    case "[" -> {
                        return list();
                    }
                    case "{" -> {
                        return dict();
                    }
                    default -> { }
                }
            }
            default -> { }
        }
        throw TokenStream.fail("unexpected '" + t.describe() + "'", t);
    }

    private Expr list() {
        int line = stream.expectOp("[").line();
        List<Expr> items = new ArrayList<>();
        while (!stream.current().isOp("]")) {
            if (!items.isEmpty()) {
                stream.expectOp(",");
            }
            if (stream.current().isOp("]")) {
                break;
            }
            items.add(parseExpression(true));
        }
        stream.expectOp("]");
        return new Expr.ListLit(items, line);
    }

    private Expr dict() {
        int line = stream.expectOp("{").line();
        List<Expr> keys = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        while (!stream.current().isOp("}")) {
            if (!keys.isEmpty()) {
                stream.expectOp(",");
            }
            if (stream.current().isOp("}")) {
                break;
            }
            keys.add(parseExpression(true));
            stream.expectOp(":");
            values.add(parseExpression(true));
        }
        stream.expectOp("}");
        return new Expr.DictLit(keys, values, line);
    }

    private Expr postfix(Expr node) {
        Expr n = node;
        while (true) {
            Token t = stream.current();
            if (t.isOp(".") || t.isOp("[")) {
                n = subscript(n);
            } else if (t.isOp("(")) {
                n = call(n);
            } else {
                return n;
            }
        }
    }

    private Expr filterExpr(Expr node) {
        Expr n = node;
        while (true) {
            Token t = stream.current();
            if (t.isOp("|")) {
                n = parseFilter(n, false);
            } else if (t.isName("is")) {
                n = test(n);
            } else if (t.isOp("(")) {
                n = call(n);
            } else {
                return n;
            }
        }
    }

    private Expr subscript(Expr node) {
        Token t = stream.next();
        if (t.isOp(".")) {
            Token attr = stream.next();
            if (attr.kind() == Kind.NAME) {
                return new Expr.GetAttr(node, attr.value(), t.line());
            }
            if (attr.kind() != Kind.INTEGER) {
                throw TokenStream.fail("expected name or number", attr);
            }
            return new Expr.GetItem(node, new Expr.Const(attr.literal(), attr.line()), t.line());
        }
        List<Expr> args = new ArrayList<>();
        while (!stream.current().isOp("]")) {
            if (!args.isEmpty()) {
                stream.expectOp(",");
            }
            args.add(subscribed());
        }
        stream.expectOp("]");
        if (args.isEmpty()) {
            throw TokenStream.fail("expected an index, got ']'", t);
        }
        Expr key = args.size() == 1 ? args.getFirst() : new Expr.TupleLit(args, t.line());
        return new Expr.GetItem(node, key, t.line());
    }

    /** An index or a slice {@code a:b:c} with any part left out. */
    private Expr subscribed() {
        int line = stream.current().line();
        Expr start = null;
        if (!stream.current().isOp(":")) {
            start = parseExpression(true);
            if (!stream.current().isOp(":")) {
                return start;
            }
        }
        stream.expectOp(":");
        Expr stop = sliceEnd() ? null : parseExpression(true);
        Expr step = null;
        if (stream.skipOp(":") && !sliceEnd()) {
            step = parseExpression(true);
        }
        return new Expr.Slice(start, stop, step, line);
    }

    private boolean sliceEnd() {
        Token t = stream.current();
        return t.isOp("]") || t.isOp(",") || t.isOp(":");
    }

    private Expr call(Expr callee) {
        int line = stream.current().line();
        List<Expr> args = new ArrayList<>();
        Map<String, Expr> kwargs = new LinkedHashMap<>();
        callArgs(args, kwargs);
        return new Expr.Call(callee, args, kwargs, line);
    }

    private void callArgs(List<Expr> args, Map<String, Expr> kwargs) {
        Token open = stream.expectOp("(");
        boolean needComma = false;
        while (!stream.current().isOp(")")) {
            if (needComma) {
                stream.expectOp(",");
                if (stream.current().isOp(")")) {
                    break;
                }
            }
            if (stream.current().kind() == Kind.NAME && stream.look().isOp("=")) {
                String key = stream.next().value();
                stream.next();
                kwargs.put(key, parseExpression(true));
            } else {
                if (!kwargs.isEmpty()) {
                    throw TokenStream.fail("invalid syntax for function call expression", open);
                }
                if (stream.current().isOp("*") || stream.current().isOp("**")) {
                    throw TokenStream.fail("*args and **kwargs in calls are not supported", stream.current());
                }
                args.add(parseExpression(true));
            }
            needComma = true;
        }
        stream.expectOp(")");
    }

    /** {@code | name(args) | ...}; with {@code startInline} the first filter has no leading pipe. */
    Expr parseFilter(Expr value, boolean startInline) {
        Expr node = value;
        boolean inline = startInline;
        while (stream.current().isOp("|") || inline) {
            if (!inline) {
                stream.next();
            }
            inline = false;
            Token name = stream.expect(Kind.NAME);
            String filter = dotted(name.value());
            if (!Filters.exists(filter)) {
                throw TokenStream.fail("No filter named '" + filter + "'.", name);
            }
            List<Expr> args = new ArrayList<>();
            Map<String, Expr> kwargs = new LinkedHashMap<>();
            if (stream.current().isOp("(")) {
                callArgs(args, kwargs);
            }
            node = new Expr.Filter(node, filter, args, kwargs, name.line());
        }
        return node;
    }

    private Expr test(Expr value) {
        int line = stream.next().line();
        boolean negated = stream.skipName("not");
        Token name = stream.expect(Kind.NAME);
        String test = dotted(name.value());
        if (!Tests.exists(test)) {
            throw TokenStream.fail("No test named '" + test + "'.", name);
        }
        List<Expr> args = new ArrayList<>();
        Map<String, Expr> kwargs = new LinkedHashMap<>();
        Token t = stream.current();
        if (t.isOp("(")) {
            callArgs(args, kwargs);
        } else if ((t.kind() == Kind.NAME || t.kind() == Kind.STRING || t.kind() == Kind.INTEGER
                || t.kind() == Kind.FLOAT || t.isOp("(") || t.isOp("[") || t.isOp("{"))
                && !t.isName("else") && !t.isName("or") && !t.isName("and")) {
            if (t.isName("is")) {
                throw TokenStream.fail("You cannot chain multiple tests with is", t);
            }
            args.add(postfix(primary()));
        }
        Expr node = new Expr.Test(value, test, args, kwargs, line);
        return negated ? new Expr.Unary("not", node, line) : node;
    }

    private String dotted(String first) {
        StringBuilder name = new StringBuilder(first);
        while (stream.current().isOp(".")) {
            stream.next();
            name.append('.').append(stream.expect(Kind.NAME).value());
        }
        return name.toString();
    }
}
