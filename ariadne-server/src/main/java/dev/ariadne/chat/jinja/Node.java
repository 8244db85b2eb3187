package dev.ariadne.chat.jinja;

import java.util.List;

/** Statement nodes of a parsed template. */
sealed interface Node {
    int line();

    record Text(String text, int line) implements Node { }

    record Print(Expr expr, int line) implements Node { }

    /** {@code if}/{@code elif} tests with their bodies, then the {@code else} body (possibly empty). */
    record If(List<Expr> tests, List<List<Node>> bodies, List<Node> otherwise, int line) implements Node { }

    record For(Target target, Expr iter, Expr filter, List<Node> body, List<Node> otherwise, int line)
            implements Node { }

    record Assign(Target target, Expr value, int line) implements Node { }

    /** {@code {% set x | filter %}body{% endset %}}; filter may be null. */
    record AssignBlock(Target target, Expr filter, List<Node> body, int line) implements Node { }

    record Macro(String name, List<String> params, List<Expr> defaults, List<Node> body, int line) implements Node { }

    /** {@code {% filter f %}body{% endfilter %}}: the filter chain has a null value. */
    record FilterBlock(Expr filter, List<Node> body, int line) implements Node { }

    /** Statements rendered in place (transformers' {@code {% generation %}} block). */
    record Group(List<Node> body, int line) implements Node { }

    record Break(int line) implements Node { }

    record Continue(int line) implements Node { }

    /** What a {@code for} or {@code set} assigns to. */
    sealed interface Target {
        record Name(String name) implements Target { }

        record Unpack(List<Target> items) implements Target { }

        /** {@code ns.attr}, only for {@code set}. */
        record Attr(String namespace, String attr) implements Target { }
    }
}
