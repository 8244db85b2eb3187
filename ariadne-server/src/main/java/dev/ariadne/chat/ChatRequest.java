package dev.ariadne.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a chat template renders: the messages (role, content as a string or a list of {@code {"type": "text",
 * "text": ...}} parts, tool_calls, reasoning_content, ...), the tool definitions (null when none), whether to open
 * the assistant's turn, and the extra template keyword arguments ({@code enable_thinking} and anything else).
 * Values are plain JSON values ({@link JsonValues}).
 */
public record ChatRequest(List<Map<String, Object>> messages, List<Map<String, Object>> tools,
                          boolean addGenerationPrompt, Map<String, Object> kwargs) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ChatRequest {
        if (messages == null) {
            throw new IllegalArgumentException("a chat request needs \"messages\"");
        }
        messages = List.copyOf(messages);
        tools = tools == null ? null : List.copyOf(tools);
        kwargs = kwargs == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
    }

    public static ChatRequest of(List<Map<String, Object>> messages, boolean addGenerationPrompt) {
        return new ChatRequest(messages, null, addGenerationPrompt, Map.of());
    }

    /** Reads a request file of the shape of {@code reference/chat/<template>/<case>.json}. */
    public static ChatRequest read(Path file) {
        try {
            return fromJson(JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read chat request " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * From a JSON object: {@code messages}, optional {@code tools} and {@code add_generation_prompt} (default false,
     * as in transformers); every other field, and the entries of a {@code chat_template_kwargs} object (as
     * OpenAI-style servers take them), is a template keyword argument.
     */
    @SuppressWarnings("unchecked")
    public static ChatRequest fromJson(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("a chat request must be a JSON object");
        }
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray()) {
            throw new IllegalArgumentException("a chat request needs \"messages\": a list of {\"role\", \"content\"}");
        }
        for (JsonNode m : messages) {
            if (!m.isObject()) {
                throw new IllegalArgumentException("each message must be a JSON object, got: " + m);
            }
        }
        JsonNode tools = root.get("tools");
        if (tools != null && !tools.isNull() && !tools.isArray()) {
            throw new IllegalArgumentException("\"tools\" must be a list of tool definitions");
        }
        Map<String, Object> kwargs = new LinkedHashMap<>();
        root.properties().forEach(e -> {
            switch (e.getKey()) {
                case "messages", "tools", "add_generation_prompt" -> { }
                case "chat_template_kwargs" -> {
                    if (e.getValue().isObject()) {
                        kwargs.putAll((Map<String, Object>) JsonValues.toPlain(e.getValue()));
                    }
                }
                default -> kwargs.put(e.getKey(), JsonValues.toPlain(e.getValue()));
            }
        });
        JsonNode agp = root.get("add_generation_prompt");
        return new ChatRequest((List<Map<String, Object>>) JsonValues.toPlain(messages),
                (List<Map<String, Object>>) JsonValues.toPlain(tools), agp != null && agp.asBoolean(), kwargs);
    }
}
