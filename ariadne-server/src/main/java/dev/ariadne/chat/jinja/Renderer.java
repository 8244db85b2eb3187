package dev.ariadne.chat.jinja;

import dev.ariadne.chat.jinja.Node.Target;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Executes statements into a buffer; {@code break} and {@code continue} travel up as a {@link Flow}. */
final class Renderer {
    enum Flow { NORMAL, BREAK, CONTINUE }

    private final Evaluator evaluator = new Evaluator();

    Flow render(List<Node> body, Scope scope, StringBuilder out) {
        for (Node node : body) {
            Flow flow;
            try {
                flow = execute(node, scope, out);
            } catch (TemplateException ex) {
                throw ex.atLine(node.line());
            }
            if (flow != Flow.NORMAL) {
                return flow;
            }
        }
        return Flow.NORMAL;
    }

    private Flow execute(Node node, Scope scope, StringBuilder out) {
        switch (node) {
            case Node.Text t -> out.append(t.text());
            case Node.Print p -> out.append(Py.str(evaluator.eval(p.expr(), scope)));
            case Node.If i -> {
                for (int k = 0; k < i.tests().size(); k++) {
                    if (Py.truthy(evaluator.eval(i.tests().get(k), scope))) {
                        return render(i.bodies().get(k), scope, out);
                    }
                }
                return render(i.otherwise(), scope, out);
            }
            case Node.For f -> {
                return loop(f, scope, out);
            }
            case Node.Assign a -> assign(a.target(), evaluator.eval(a.value(), scope), scope);
            case Node.AssignBlock a -> {
                StringBuilder body = new StringBuilder();
                render(a.body(), new Scope(scope), body);
                Object value = a.filter() == null ? body.toString()
                        : evaluator.filter((Expr.Filter) a.filter(), body.toString(), scope);
                assign(a.target(), value, scope);
            }
            case Node.Macro m -> scope.set(m.name(), macro(m, scope));
            case Node.FilterBlock f -> {
                StringBuilder body = new StringBuilder();
                render(f.body(), new Scope(scope), body);
                out.append(Py.str(evaluator.filter((Expr.Filter) f.filter(), body.toString(), scope)));
            }
            case Node.Group g -> {
                return render(g.body(), scope, out);
            }
            case Node.Break b -> {
                return Flow.BREAK;
            }
            case Node.Continue c -> {
                return Flow.CONTINUE;
            }
        }
        return Flow.NORMAL;
    }

    private Flow loop(Node.For f, Scope scope, StringBuilder out) {
        List<Object> items = Py.iterate(evaluator.eval(f.iter(), scope));
        if (f.filter() != null) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                Scope s = new Scope(scope);
                assign(f.target(), item, s);
                if (Py.truthy(evaluator.eval(f.filter(), s))) {
                    kept.add(item);
                }
            }
            items = kept;
        }
        if (items.isEmpty()) {
            render(f.otherwise(), new Scope(scope), out);
            return Flow.NORMAL;
        }
        LoopContext loop = new LoopContext(items);
        for (int i = 0; i < items.size(); i++) {
            Scope s = new Scope(scope);
            assign(f.target(), items.get(i), s);
            loop.moveTo(i);
            s.set("loop", loop);
            if (render(f.body(), s, out) == Flow.BREAK) {
                break;
            }
        }
        return Flow.NORMAL;
    }

    private void assign(Target target, Object value, Scope scope) {
        switch (target) {
            case Target.Name n -> scope.set(n.name(), value);
            case Target.Attr a -> {
                if (!(scope.lookup(a.namespace()) instanceof Namespace ns)) {
                    throw new TemplateException("TemplateRuntimeError: cannot assign attribute on non-namespace object");
                }
                ns.attributes.put(a.attr(), value);
            }
            case Target.Unpack u -> {
                List<Object> values = Py.iterate(value);
                if (values.size() != u.items().size()) {
                    throw new TemplateException("ValueError: " + (values.size() > u.items().size()
                            ? "too many values to unpack (expected " + u.items().size() + ")"
                            : "not enough values to unpack (expected " + u.items().size() + ", got " + values.size()
                            + ")"));
                }
                for (int i = 0; i < values.size(); i++) {
                    assign(u.items().get(i), values.get(i), scope);
                }
            }
        }
    }

    /** A macro: called with positional or keyword arguments, it renders its body in a scope of its own. */
    private JinjaCallable macro(Node.Macro m, Scope definedIn) {
        int firstDefault = m.params().size() - m.defaults().size();
        return (args, kwargs) -> {
            if (args.size() > m.params().size()) {
                throw new TemplateException("TypeError: macro '" + m.name() + "' takes not more than "
                        + m.params().size() + " argument(s)");
            }
            Scope s = new Scope(definedIn);
            for (int i = 0; i < m.params().size(); i++) {
                String p = m.params().get(i);
                Object v;
                if (i < args.size()) {
                    v = args.get(i);
                } else if (kwargs.containsKey(p)) {
                    v = kwargs.get(p);
                } else if (i >= firstDefault) {
                    v = evaluator.eval(m.defaults().get(i - firstDefault), s);
                } else {
                    v = new Undefined("parameter '" + p + "' was not provided");
                }
                s.set(p, v);
            }
            for (String k : kwargs.keySet()) {
                if (!m.params().contains(k)) {
                    throw new TemplateException("TypeError: macro '" + m.name() + "' takes no keyword argument '"
                            + k + "'");
                }
            }
            StringBuilder body = new StringBuilder();
            render(m.body(), s, body);
            return body.toString();
        };
    }

    /** Renders a whole template with {@code vars} over {@code globals}. */
    String renderTemplate(List<Node> body, Map<String, Object> globals, Map<String, ?> vars) {
        StringBuilder out = new StringBuilder();
        render(body, new Scope(new Scope(null, globals), vars), out);
        return out.toString();
    }
}
