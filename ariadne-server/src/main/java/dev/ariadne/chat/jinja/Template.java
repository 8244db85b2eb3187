package dev.ariadne.chat.jinja;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * A parsed Jinja template, rendered as transformers renders chat templates: jinja2's
 * {@code ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)} with the loopcontrols extension,
 * {@code tojson} as {@code json.dumps(ensure_ascii=False)}, and the globals {@code raise_exception} and
 * {@code strftime_now}. Parsing is done once; rendering is thread-safe.
 */
public final class Template {
    private final List<Node> body;

    private Template(List<Node> body) {
        this.body = body;
    }

    /** Parses {@code source}; a syntax error is a {@link TemplateException} with its line. */
    public static Template parse(String source) {
        return new Template(Parser.parse(source));
    }

    /** Renders with {@code vars} (messages, tools, add_generation_prompt, special tokens, ...) and the system clock. */
    public String render(Map<String, ?> vars) {
        return render(vars, Clock.systemDefaultZone());
    }

    /** Renders with {@code vars}; {@code strftime_now} reads {@code clock}. */
    public String render(Map<String, ?> vars, Clock clock) {
        return new Renderer().renderTemplate(body, Globals.standard(clock), vars);
    }

    /**
     * Whether some {@code for} loop iterates over a variable, attribute or item of this name
     * ({@code message['content']}, {@code message.content}, a macro's {@code content}).
     */
    public boolean loopsOver(String name) {
        return loopsOver(body, name);
    }

    private static boolean loopsOver(List<Node> nodes, String name) {
        for (Node n : nodes) {
            boolean found = switch (n) {
                case Node.For f -> accesses(f.iter(), name) || loopsOver(f.body(), name)
                        || loopsOver(f.otherwise(), name);
                case Node.If i -> i.bodies().stream().anyMatch(b -> loopsOver(b, name)) || loopsOver(i.otherwise(), name);
                case Node.Macro m -> loopsOver(m.body(), name);
                case Node.AssignBlock a -> loopsOver(a.body(), name);
                case Node.FilterBlock f -> loopsOver(f.body(), name);
                case Node.Group g -> loopsOver(g.body(), name);
                default -> false;
            };
            if (found) {
                return true;
            }
        }
        return false;
    }

    private static boolean accesses(Expr e, String name) {
        return switch (e) {
            case Expr.Name n -> n.name().equals(name);
            case Expr.GetAttr g -> g.name().equals(name);
            case Expr.GetItem g -> g.key() instanceof Expr.Const c && name.equals(c.value());
            case Expr.Filter f -> f.value() != null && accesses(f.value(), name);
            default -> false;
        };
    }
}
