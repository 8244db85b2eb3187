package dev.ariadne.server.openai.parse;

import java.util.List;

/** The tool-call parsers by the names vLLM's {@code --tool-call-parser} takes. */
public final class ToolCallParsers {
    private static final List<String> NAMES = List.of("hermes");

    private ToolCallParsers() {
    }

    /** The names {@link #named} knows. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * The parser called {@code name}, with random call ids.
     *
     * @throws IllegalArgumentException for a name it does not know, listing the ones it does
     */
    public static ToolCallParser named(String name) {
        return switch (name) {
            case "hermes" -> new HermesToolParser();
            case null, default -> throw new IllegalArgumentException(
                    "unknown tool-call parser \"" + name + "\"; known: " + String.join(", ", NAMES));
        };
    }
}
