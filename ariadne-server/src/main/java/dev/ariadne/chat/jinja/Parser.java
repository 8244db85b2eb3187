package dev.ariadne.chat.jinja;

import dev.ariadne.chat.jinja.Node.Target;
import dev.ariadne.chat.jinja.Token.Kind;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Statements of jinja2's grammar ({@code jinja2/parser.py}): text, {@code {{ }}} prints, and the tags {@code for},
 * {@code if}, {@code set}, {@code macro}, {@code filter}, {@code break}/{@code continue} (the loopcontrols
 * extension) and transformers' {@code generation}. Expressions are {@link ExprParser}'s.
 */
final class Parser {
    private static final Set<String> UNSUPPORTED = Set.of("block", "extends", "include", "import", "from", "call",
            "with", "autoescape", "do", "trans");

    private final TokenStream stream;
    private final ExprParser expressions;
    /** The open blocks (innermost first) and the end tags each one waits for, for error messages. */
    private final Deque<String> openBlocks = new ArrayDeque<>();
    private final Deque<List<String>> endTags = new ArrayDeque<>();
    private int loopDepth;

    private Parser(List<Token> tokens) {
        this.stream = new TokenStream(tokens);
        this.expressions = new ExprParser(stream);
    }

    static List<Node> parse(String source) {
        Parser p = new Parser(Lexer.tokenize(source));
        List<Node> body = p.subparse(Set.of());
        if (p.stream.current().kind() != Kind.EOF) {
            throw TokenStream.fail("unexpected '" + p.stream.current().describe() + "'", p.stream.current());
        }
        return body;
    }

    /** Nodes up to the end of the template or a block tag whose name is in {@code end} (not consumed). */
    private List<Node> subparse(Set<String> end) {
        List<Node> body = new ArrayList<>();
        while (true) {
            Token t = stream.current();
            switch (t.kind()) {
                case EOF -> {
                    return body;
                }
                case DATA -> body.add(new Node.Text(stream.next().value(), t.line()));
                case VARIABLE_BEGIN -> {
                    stream.next();
                    body.add(new Node.Print(expressions.parseTuple(true, Set.of(), false), t.line()));
                    stream.expect(Kind.VARIABLE_END);
                }
                case BLOCK_BEGIN -> {
                    stream.next();
                    Token name = stream.current();
                    if (name.kind() == Kind.NAME && end.contains(name.value())) {
                        return body;
                    }
                    body.add(statement());
                    stream.expect(Kind.BLOCK_END);
                }
                default -> throw TokenStream.fail("unexpected '" + t.describe() + "'", t);
            }
        }
    }

    /** jinja2's parse_statements: the block end, the body up to one of {@code end}, optionally that end tag. */
    private List<Node> statements(String block, List<String> end, boolean dropNeedle) {
        stream.skipOp(":");
        stream.expect(Kind.BLOCK_END);
        openBlocks.push(block);
        endTags.push(end);
        List<Node> body = subparse(Set.copyOf(end));
        if (stream.current().kind() == Kind.EOF) {
            throw TokenStream.fail("Unexpected end of template. " + lookingFor(), stream.current());
        }
        openBlocks.pop();
        endTags.pop();
        if (dropNeedle) {
            stream.next();
        }
        return body;
    }

    private String lookingFor() {
        if (endTags.isEmpty()) {
            return "";
        }
        String tags = endTags.peek().stream().map(s -> "'" + s + "'").collect(Collectors.joining(" or "));
        return "Jinja was looking for the following tags: " + tags + ". The innermost block that needs to be closed is '"
                + openBlocks.peek() + "'.";
    }

    private Node statement() {
        Token t = stream.current();
        if (t.kind() != Kind.NAME) {
            throw TokenStream.fail("tag name expected", t);
        }
        return switch (t.value()) {
            case "for" -> parseFor();
            case "if" -> parseIf();
            case "set" -> parseSet();
            case "macro" -> parseMacro();
            case "filter" -> parseFilterBlock();
            case "generation" -> {
                stream.next();
                yield new Node.Group(statements("generation", List.of("endgeneration"), true), t.line());
            }
            case "break", "continue" -> {
                stream.next();
                if (loopDepth == 0) {
                    throw TokenStream.fail("'" + t.value() + "' outside of a loop", t);
                }
                yield t.value().equals("break") ? new Node.Break(t.line()) : new Node.Continue(t.line());
            }
            default -> {
                String why = UNSUPPORTED.contains(t.value()) ? "Encountered unsupported tag '" + t.value()
                        + "' (chat templates have no loader or extensions)." : "Encountered unknown tag '"
                        + t.value() + "'.";
                throw TokenStream.fail(endTags.isEmpty() ? why : why + " " + lookingFor(), t);
            }
        };
    }

    private Node parseFor() {
        int line = stream.next().line();
        Target target = assignTarget(Set.of("in"), false);
        stream.expectName("in");
        Expr iter = expressions.parseTuple(false, Set.of("recursive"), false);
        Expr filter = null;
        if (stream.skipName("if")) {
            filter = expressions.parseExpression(true);
        }
        if (stream.current().isName("recursive")) {
            throw TokenStream.fail("recursive loops are not supported", stream.current());
        }
        loopDepth++;
        List<Node> body = statements("for", List.of("endfor", "else"), false);
        loopDepth--;
        List<Node> otherwise = List.of();
        if (stream.next().value().equals("else")) {
            otherwise = statements("for", List.of("endfor"), true);
        }
        return new Node.For(target, iter, filter, body, otherwise, line);
    }

    private Node parseIf() {
        int line = stream.next().line();
        List<Expr> tests = new ArrayList<>();
        List<List<Node>> bodies = new ArrayList<>();
        List<Node> otherwise = List.of();
        while (true) {
            tests.add(expressions.parseTuple(false, Set.of(), false));
            bodies.add(statements("if", List.of("elif", "else", "endif"), false));
            Token t = stream.next();
            if (t.value().equals("elif")) {
                continue;
            }
            if (t.value().equals("else")) {
                otherwise = statements("if", List.of("endif"), true);
            }
            break;
        }
        return new Node.If(tests, bodies, otherwise, line);
    }

    private Node parseSet() {
        int line = stream.next().line();
        Target target = assignTarget(Set.of(), true);
        if (stream.skipOp("=")) {
            return new Node.Assign(target, expressions.parseTuple(true, Set.of(), false), line);
        }
        Expr filter = stream.current().isOp("|") ? expressions.parseFilter(null, false) : null;
        return new Node.AssignBlock(target, filter, statements("set", List.of("endset"), true), line);
    }

    private Node parseMacro() {
        int line = stream.next().line();
        String name = stream.expect(Kind.NAME).value();
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        stream.expectOp("(");
        while (!stream.current().isOp(")")) {
            if (!params.isEmpty()) {
                stream.expectOp(",");
            }
            Token param = stream.expect(Kind.NAME);
            if (stream.skipOp("=")) {
                defaults.add(expressions.parseExpression(true));
            } else if (!defaults.isEmpty()) {
                throw TokenStream.fail("non-default argument follows default argument", param);
            }
            params.add(param.value());
        }
        stream.expectOp(")");
        int outerLoops = loopDepth;
        loopDepth = 0;
        List<Node> body = statements("macro", List.of("endmacro"), true);
        loopDepth = outerLoops;
        return new Node.Macro(name, params, defaults, body, line);
    }

    private Node parseFilterBlock() {
        int line = stream.next().line();
        Expr filter = expressions.parseFilter(null, true);
        return new Node.FilterBlock(filter, statements("filter", List.of("endfilter"), true), line);
    }

    /** A name, {@code a, b} (for loops and set), or {@code ns.attr} (set only). */
    private Target assignTarget(Set<String> extraEnd, boolean withNamespace) {
        if (withNamespace && stream.look().isOp(".")) {
            String ns = stream.expect(Kind.NAME).value();
            stream.next();
            return new Target.Attr(ns, stream.expect(Kind.NAME).value());
        }
        List<Target> items = new ArrayList<>();
        boolean tuple = false;
        boolean parenthesized = stream.skipOp("(");
        while (true) {
            if (!items.isEmpty()) {
                stream.expectOp(",");
            }
            Token t = stream.current();
            if (t.kind() == Kind.BLOCK_END || t.isOp(")") || t.isOp("=") || t.isOp("|")
                    || (t.kind() == Kind.NAME && extraEnd.contains(t.value()))) {
                break;
            }
            if (t.isOp("(")) {
                items.add(assignTarget(extraEnd, false));
            } else {
                Token name = stream.expect(Kind.NAME);
                if (Set.of("true", "false", "none", "True", "False", "None").contains(name.value())) {
                    throw TokenStream.fail("can't assign to 'const'", name);
                }
                items.add(new Target.Name(name.value()));
            }
            if (!stream.current().isOp(",")) {
                break;
            }
            tuple = true;
        }
        if (parenthesized) {
            stream.expectOp(")");
        }
        if (items.isEmpty()) {
            throw TokenStream.fail("expected an assignment target, got '" + stream.current().describe() + "'",
                    stream.current());
        }
        return tuple || parenthesized && items.size() > 1 ? new Target.Unpack(items) : items.getFirst();
    }
}
