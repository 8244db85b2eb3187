package dev.ariadne.chat.jinja;

import java.util.List;
import java.util.Map;

/** Expression nodes, as jinja2's parser builds them; every node keeps its template line. */
sealed interface Expr {
    int line();

    record Const(Object value, int line) implements Expr { }

    record Name(String name, int line) implements Expr { }

    record ListLit(List<Expr> items, int line) implements Expr { }

    record TupleLit(List<Expr> items, int line) implements Expr { }

    record DictLit(List<Expr> keys, List<Expr> values, int line) implements Expr { }

    /** {@code obj.name}. */
    record GetAttr(Expr obj, String name, int line) implements Expr { }

    /** {@code obj[key]}; the key may be a {@link Slice}. */
    record GetItem(Expr obj, Expr key, int line) implements Expr { }

    /** {@code start:stop:step} inside brackets; absent parts are null. */
    record Slice(Expr start, Expr stop, Expr step, int line) implements Expr { }

    record Call(Expr callee, List<Expr> args, Map<String, Expr> kwargs, int line) implements Expr { }

    /** {@code value | name(args)}; {@code value} is null in a {@code {% filter %}} block or {@code {% set %}} block. */
    record Filter(Expr value, String name, List<Expr> args, Map<String, Expr> kwargs, int line) implements Expr { }

    /** {@code value is name(args)}. */
    record Test(Expr value, String name, List<Expr> args, Map<String, Expr> kwargs, int line) implements Expr { }

    /** {@code not x}, {@code -x}, {@code +x}. */
    record Unary(String op, Expr operand, int line) implements Expr { }

    /** Arithmetic ({@code + - * / // % **}) and the short-circuit {@code and}, {@code or}. */
    record Binary(String op, Expr left, Expr right, int line) implements Expr { }

    /** {@code a ~ b ~ c}. */
    record Concat(List<Expr> parts, int line) implements Expr { }

    /** A chain such as {@code a < b <= c} or {@code x not in y}; ops are ==, !=, <, <=, >, >=, in, notin. */
    record Compare(Expr first, List<String> ops, List<Expr> operands, int line) implements Expr { }

    /** {@code then if test else otherwise}; otherwise may be null (undefined). */
    record CondExpr(Expr test, Expr then, Expr otherwise, int line) implements Expr { }
}
