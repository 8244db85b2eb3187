package dev.ariadne.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * vLLM's {@code POST /tokenize} ({@code prompt} with {@code add_special_tokens}, default true; or {@code messages}
 * rendered by the chat template, {@code add_generation_prompt} default true) and {@code POST /detokenize}
 * ({@code tokens}).
 */
final class TokenizeEndpoint {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final ServedModel model;

    TokenizeEndpoint(ServedModel model) {
        this.model = model;
    }

    void tokenize(Exchange ex, JsonNode body) {
        model.checkModel(body);
        int[] ids;
        if (Fields.has(body, "messages")) {
            String text = model.template().render(ChatMessages.read(body, true));
            ids = model.encode(text, Fields.bool(body, "add_special_tokens", false));
        } else if (Fields.has(body, "prompt")) {
            ids = model.encode(Fields.string(body, "prompt", ""), Fields.bool(body, "add_special_tokens", true));
        } else {
            throw ApiError.badRequest("give 'prompt' or 'messages'", "prompt");
        }
        ObjectNode out = F.objectNode();
        out.put("count", ids.length);
        out.put("max_model_len", model.maxModelLen());
        ArrayNode tokens = out.putArray("tokens");
        for (int id : ids) tokens.add(id);
        out.putNull("token_strs");
        ex.json(200, out);
    }

    void detokenize(Exchange ex, JsonNode body) {
        model.checkModel(body);
        JsonNode a = Fields.array(body, "tokens");
        if (a == null) throw ApiError.badRequest("'tokens' is required", "tokens");
        int vocab = model.llm.modelConfig().vocabSize();
        int[] ids = new int[a.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode x = a.get(i);
            if (!x.isIntegralNumber() || !x.canConvertToInt() || x.asInt() < 0 || x.asInt() >= vocab) {
                throw ApiError.badRequest("'tokens' must hold token ids in [0, " + vocab + ")", "tokens");
            }
            ids[i] = x.asInt();
        }
        ObjectNode out = F.objectNode();
        out.put("prompt", model.tokenizer("detokenize").decode(ids));
        ex.json(200, out);
    }
}
