package dev.ariadne.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Set;

/**
 * Whether one streamed chat or text completion (n = 1) is well-formed, fed line by line as it arrives:
 *
 * <pre>
 * data: {chunk}\n\n ...           every event one data line and one blank line; JSON objects of the right "object",
 *                                  one id (with its prefix), created and model throughout, choice index 0, no error
 * data: {.. "finish_reason": X}    exactly one finish chunk, X "stop" or "length"; "length" means max_tokens were made
 * data: {"choices": [], usage}     only when include_usage was asked, after the finish, with completion_tokens <= max
 * data: [DONE]\n\n                 last; nothing after it
 * </pre>
 *
 * {@link #line} and {@link #end} return a description of the first problem, or null.
 */
final class StreamCheck {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FINISH_REASONS = Set.of("stop", "length");

    private final boolean chat;
    private final int maxTokens;
    private final boolean includeUsage;
    private String id;
    private long created = -1;
    private boolean expectBlank;
    private int events;
    private boolean roleSeen;
    private String finishReason;
    private int completionTokens = -1;
    private boolean done;

    StreamCheck(boolean chat, int maxTokens, boolean includeUsage) {
        this.chat = chat;
        this.maxTokens = maxTokens;
        this.includeUsage = includeUsage;
    }

    /** Data events seen so far ({@code [DONE]} included). */
    int events() {
        return events;
    }

    /** The usage chunk's completion tokens, or -1 before it (or without one). */
    int completionTokens() {
        return completionTokens;
    }

    String finishReason() {
        return finishReason;
    }

    /** One line without its terminator. */
    String line(String line) {
        if (done && !expectBlank) return "a line after data: [DONE]: " + clip(line);
        if (expectBlank) {
            expectBlank = false;
            return line.isEmpty() ? null : "event not ended by a blank line: " + clip(line);
        }
        if (line.startsWith(": ")) {           // an SSE comment: the server's keep-alive while a request waits
            expectBlank = true;
            return null;
        }
        if (!line.startsWith("data: ")) return "not a 'data: ' line: " + clip(line);
        expectBlank = true;
        events++;
        String data = line.substring(6);
        if (data.equals("[DONE]")) {
            done = true;
            if (finishReason == null) return "data: [DONE] before any finish_reason";
            if (includeUsage && completionTokens < 0) return "include_usage asked, no usage chunk before [DONE]";
            return null;
        }
        JsonNode chunk;
        try {
            chunk = JSON.readTree(data);
        } catch (Exception e) {
            return "data is not JSON: " + clip(data);
        }
        return chunk(chunk, data);
    }

    /** The stream ended (EOF); null when it had ended as it should. */
    String end() {
        if (!done) return "EOF before data: [DONE] (after " + events + " events)";
        if (expectBlank) return "EOF right after data: [DONE] without its blank line";
        return null;
    }

    private String chunk(JsonNode c, String data) {
        if (c == null || !c.isObject()) return "not a JSON object: " + clip(data);
        if (c.has("error")) return "error event: " + clip(data);
        String object = chat ? "chat.completion.chunk" : "text_completion";
        if (!object.equals(c.path("object").asText())) return "object is not " + object + ": " + clip(data);
        String prefix = chat ? "chatcmpl-" : "cmpl-";
        String chunkId = c.path("id").asText("");
        if (id == null) {
            if (!chunkId.startsWith(prefix)) return "id without " + prefix + ": " + clip(data);
            id = chunkId;
            created = c.path("created").asLong(-1);
        } else if (!id.equals(chunkId) || created != c.path("created").asLong(-2)) {
            return "id or created changed within the stream: " + clip(data);
        }
        if (!"qwen3-chat".equals(c.path("model").asText())) return "wrong model: " + clip(data);
        JsonNode choices = c.get("choices");
        if (choices == null || !choices.isArray()) return "no choices array: " + clip(data);
        JsonNode usage = c.get("usage");
        if (choices.isEmpty()) return usage(usage, data);
        if (completionTokens >= 0) return "a choice after the usage chunk: " + clip(data);
        if (usage != null && !usage.isNull()) return "usage on a choice chunk: " + clip(data);
        if (choices.size() != 1 || choices.get(0).path("index").asInt(-1) != 0) {
            return "not exactly one choice of index 0: " + clip(data);
        }
        return choice(choices.get(0), data);
    }

    private String choice(JsonNode ch, String data) {
        if (finishReason != null) return "a choice chunk after the finish chunk: " + clip(data);
        if (chat) {
            JsonNode delta = ch.get("delta");
            if (delta == null || !delta.isObject()) return "chat chunk without delta: " + clip(data);
            if (!roleSeen) {
                if (!"assistant".equals(delta.path("role").asText())) return "first delta has no assistant role: "
                        + clip(data);
                roleSeen = true;
            } else if (delta.has("role")) {
                return "role repeated: " + clip(data);
            }
        } else {
            if (!ch.path("text").isTextual()) return "completion chunk without text: " + clip(data);
        }
        JsonNode reason = ch.get("finish_reason");
        if (reason == null) return "choice without finish_reason: " + clip(data);
        if (!reason.isNull()) {
            if (!FINISH_REASONS.contains(reason.asText())) return "unexpected finish_reason: " + clip(data);
            finishReason = reason.asText();
        }
        return null;
    }

    private String usage(JsonNode usage, String data) {
        if (usage == null || !usage.isObject()) return "empty choices without usage: " + clip(data);
        if (!includeUsage) return "usage chunk not asked for: " + clip(data);
        if (finishReason == null) return "usage before the finish chunk: " + clip(data);
        if (completionTokens >= 0) return "a second usage chunk: " + clip(data);
        int prompt = usage.path("prompt_tokens").asInt(-1);
        completionTokens = usage.path("completion_tokens").asInt(-1);
        if (prompt < 1 || completionTokens < 1 || completionTokens > maxTokens
                || usage.path("total_tokens").asInt() != prompt + completionTokens) {
            return "bad usage (max_tokens " + maxTokens + "): " + clip(data);
        }
        if (finishReason.equals("length") && completionTokens != maxTokens) {
            return "finish_reason length after " + completionTokens + " of " + maxTokens + " tokens: " + clip(data);
        }
        return null;
    }

    private static String clip(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
