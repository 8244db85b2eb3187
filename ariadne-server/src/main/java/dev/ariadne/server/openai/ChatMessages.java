package dev.ariadne.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ariadne.chat.ChatRequest;
import dev.ariadne.chat.JsonValues;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A chat completion request's conversation as the chat template takes it: {@code messages} (content a string,
 * null, or a list of text parts), {@code tools} unless {@code tool_choice} is "none", {@code add_generation_prompt}
 * (default true, as vLLM), and {@code chat_template_kwargs} ({@code enable_thinking} ...).
 */
final class ChatMessages {
    private ChatMessages() {
    }

    /**
     * @param withTools whether the request's tools go to the template
     */
    @SuppressWarnings("unchecked")
    static ChatRequest read(JsonNode body, boolean withTools) {
        JsonNode messages = Fields.array(body, "messages");
        if (messages == null || messages.isEmpty()) {
            throw ApiError.badRequest("'messages' must be a non-empty array of {\"role\", \"content\"}", "messages");
        }
        List<Map<String, Object>> plain = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) throw ApiError.badRequest(where + " must be an object", "messages");
            if (!m.path("role").isTextual()) throw ApiError.badRequest(where + ".role must be a string", "messages");
            checkContent(m.get("content"), where);
            plain.add((Map<String, Object>) JsonValues.toPlain(m));
        }
        List<Map<String, Object>> tools = null;
        JsonNode t = Fields.array(body, "tools");
        if (t != null && withTools) {
            for (JsonNode tool : t) {
                if (!tool.isObject() || !tool.path("function").isObject()) {
                    throw ApiError.badRequest("each tool must be {\"type\": \"function\", \"function\": {...}}", "tools");
                }
            }
            tools = (List<Map<String, Object>>) JsonValues.toPlain(t);
        }
        Map<String, Object> kwargs = new LinkedHashMap<>();
        JsonNode k = Fields.object(body, "chat_template_kwargs");
        if (k != null) kwargs.putAll((Map<String, Object>) JsonValues.toPlain(k));
        return new ChatRequest(plain, tools, Fields.bool(body, "add_generation_prompt", true), kwargs);
    }

    private static void checkContent(JsonNode content, String where) {
        if (content == null || content.isNull() || content.isTextual()) return;
        if (!content.isArray()) {
            throw ApiError.badRequest(where + ".content must be a string or a list of content parts", "messages");
        }
        for (JsonNode part : content) {
            if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                throw ApiError.badRequest(where + ".content: only {\"type\": \"text\", \"text\": ...} parts are"
                        + " supported (this server serves text-only models)", "messages");
            }
        }
    }
}
