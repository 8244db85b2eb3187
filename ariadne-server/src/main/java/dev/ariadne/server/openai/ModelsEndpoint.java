package dev.ariadne.server.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code GET /v1/models}: every served name as a model card, with vLLM's {@code root} and {@code max_model_len}. */
final class ModelsEndpoint {
    private ModelsEndpoint() {
    }

    static void handle(Exchange ex, ServedModel model) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String name : model.options.servedModelNames()) {
            ObjectNode card = data.addObject();
            card.put("id", name);
            card.put("object", "model");
            card.put("created", model.createdSeconds);
            card.put("owned_by", "ariadne");
            card.put("root", model.llm.config().model().toString());
            card.putNull("parent");
            card.put("max_model_len", model.maxModelLen());
            card.putArray("permission");
        }
        ex.json(200, root);
    }
}
