package dev.ariadne.chat.jinja;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Evaluates expressions with Python semantics in a {@link Scope}; an error gets the line of the innermost node. */
final class Evaluator {
    Object eval(Expr e, Scope scope) {
        try {
            return evaluate(e, scope);
        } catch (TemplateException ex) {
            throw ex.atLine(e.line());
        }
    }

    private Object evaluate(Expr e, Scope scope) {
        return switch (e) {
            case Expr.Const c -> c.value();
            case Expr.Name n -> scope.lookup(n.name());
            case Expr.ListLit l -> evalAll(l.items(), scope);
            case Expr.TupleLit t -> new PyTuple(evalAll(t.items(), scope));
            case Expr.DictLit d -> {
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < d.keys().size(); i++) {
                    m.put(eval(d.keys().get(i), scope), eval(d.values().get(i), scope));
                }
                yield m;
            }
            case Expr.GetAttr g -> Attributes.getattr(eval(g.obj(), scope), g.name());
            case Expr.GetItem g -> Attributes.getitem(eval(g.obj(), scope), subscript(g.key(), scope));
            case Expr.Slice s -> throw new TemplateException("TemplateSyntaxError: a slice outside of brackets");
            case Expr.Call c -> call(eval(c.callee(), scope), evalAll(c.args(), scope), evalKwargs(c.kwargs(), scope));
            case Expr.Filter f -> filter(f, f.value() == null ? null : eval(f.value(), scope), scope);
            case Expr.Test t -> Tests.apply(t.name(), eval(t.value(), scope),
                    new Args(t.name(), evalAll(t.args(), scope), evalKwargs(t.kwargs(), scope)));
            case Expr.Unary u -> unary(u, eval(u.operand(), scope));
            case Expr.Binary b -> binary(b, scope);
            case Expr.Concat c -> {
                StringBuilder out = new StringBuilder();
                for (Expr part : c.parts()) {
                    out.append(Py.str(eval(part, scope)));
                }
                yield out.toString();
            }
            case Expr.Compare c -> compare(c, scope);
            case Expr.CondExpr c -> {
                if (Py.truthy(eval(c.test(), scope))) {
                    yield eval(c.then(), scope);
                }
                yield c.otherwise() != null ? eval(c.otherwise(), scope) : new Undefined("the inline if-expression on"
                        + " line " + c.line() + " evaluated to false and no else section was defined.");
            }
        };
    }

    /** Applies a filter chain whose innermost value is {@code input} (a filter block's body). */
    Object filter(Expr.Filter f, Object input, Scope scope) {
        Object value = f.value() instanceof Expr.Filter inner ? filter(inner, input, scope)
                : f.value() == null ? input : eval(f.value(), scope);
        try {
            return Filters.apply(f.name(), value, new Args(f.name(), evalAll(f.args(), scope),
                    evalKwargs(f.kwargs(), scope)));
        } catch (TemplateException ex) {
            throw ex.atLine(f.line());
        }
    }

    private Object subscript(Expr key, Scope scope) {
        if (key instanceof Expr.Slice s) {
            return new Attributes.Slice(s.start() == null ? null : eval(s.start(), scope),
                    s.stop() == null ? null : eval(s.stop(), scope), s.step() == null ? null : eval(s.step(), scope));
        }
        return eval(key, scope);
    }

    static Object call(Object callee, List<Object> args, Map<String, Object> kwargs) {
        if (callee instanceof JinjaCallable f) {
            return f.call(args, kwargs);
        }
        if (callee instanceof Undefined u) {
            throw u.error();
        }
        throw new TemplateException("TypeError: '" + Py.typeName(callee) + "' object is not callable");
    }

    private Object unary(Expr.Unary u, Object v) {
        return switch (u.op()) {
            case "not" -> !Py.truthy(v);
            case "-" -> Operators.negate(v);
            default -> Operators.plus(v);
        };
    }

    private Object binary(Expr.Binary b, Scope scope) {
        Object left = eval(b.left(), scope);
        return switch (b.op()) {
            case "and" -> Py.truthy(left) ? eval(b.right(), scope) : left;
            case "or" -> Py.truthy(left) ? left : eval(b.right(), scope);
            default -> Operators.binary(b.op(), left, eval(b.right(), scope));
        };
    }

    private Object compare(Expr.Compare c, Scope scope) {
        Object left = eval(c.first(), scope);
        for (int i = 0; i < c.ops().size(); i++) {
            Object right = eval(c.operands().get(i), scope);
            boolean holds = switch (c.ops().get(i)) {
                case "==" -> Py.eq(left, right);
                case "!=" -> !Py.eq(left, right);
                case "<" -> Py.compare(left, right, "<") < 0;
                case "<=" -> Py.compare(left, right, "<=") <= 0;
                case ">" -> Py.compare(left, right, ">") > 0;
                case ">=" -> Py.compare(left, right, ">=") >= 0;
                case "in" -> Py.contains(right, left);
                default -> !Py.contains(right, left);
            };
            if (!holds) {
                return false;
            }
            left = right;
        }
        return true;
    }

    private List<Object> evalAll(List<Expr> exprs, Scope scope) {
        List<Object> out = new ArrayList<>(exprs.size());
        for (Expr x : exprs) {
            out.add(eval(x, scope));
        }
        return out;
    }

    private Map<String, Object> evalKwargs(Map<String, Expr> kwargs, Scope scope) {
        if (kwargs.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        kwargs.forEach((k, v) -> out.put(k, eval(v, scope)));
        return out;
    }
}
