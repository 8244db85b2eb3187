package dev.ariadne.server.openai.parse;

import java.util.List;

/** The reasoning parsers by the names vLLM's {@code --reasoning-parser} takes. */
public final class ReasoningParsers {
    private static final List<String> NAMES = List.of("qwen3");

    private ReasoningParsers() {
    }

    /** The names {@link #named} knows. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * The parser called {@code name}, with its defaults (for {@code qwen3}: thinking on); narrow it per request
     * with {@link ReasoningParser#withChatTemplateKwargs}.
     *
     * @throws IllegalArgumentException for a name it does not know, listing the ones it does
     */
    public static ReasoningParser named(String name) {
        return switch (name) {
            case "qwen3" -> new Qwen3ReasoningParser();
            case null, default -> throw new IllegalArgumentException(
                    "unknown reasoning parser \"" + name + "\"; known: " + String.join(", ", NAMES));
        };
    }
}
