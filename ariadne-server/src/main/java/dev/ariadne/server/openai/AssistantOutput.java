package dev.ariadne.server.openai;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The assistant's generated text as the chat API returns it: reasoning ({@code reasoning_content}), content, and
 * tool calls, split by the configured reasoning and tool-call parsers (none: all of it is content). The reasoning
 * parser runs first; the tool-call parser sees only the content, as in vLLM's serving_chat.
 */
final class AssistantOutput {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private AssistantOutput() {
    }

    /** A whole message: {@code {"role": "assistant", "content", "reasoning_content", "tool_calls"}}. */
    record Message(ObjectNode json, boolean toolsCalled) {
    }

    /** One choice's streaming state: text deltas in, delta objects out. */
    interface Stream {
        List<ObjectNode> push(String textDelta);

        List<ObjectNode> finish();

        boolean toolsCalled();
    }

    /** Makes messages and streams with the server's parsers. */
    static final class Factory {
        Factory() {
        }

        Message whole(String text, boolean withTools) {
            ObjectNode m = F.objectNode();
            m.put("role", "assistant");
            m.put("content", text);
            m.putNull("reasoning_content");
            m.putArray("tool_calls");
            return new Message(m, false);
        }

        Stream stream(boolean withTools) {
            return new Stream() {
                @Override
                public List<ObjectNode> push(String textDelta) {
                    List<ObjectNode> out = new ArrayList<>();
                    if (!textDelta.isEmpty()) out.add(F.objectNode().put("content", textDelta));
                    return out;
                }

                @Override
                public List<ObjectNode> finish() {
                    return List.of();
                }

                @Override
                public boolean toolsCalled() {
                    return false;
                }
            };
        }
    }
}
