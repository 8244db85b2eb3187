package dev.ariadne.server.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ariadne.server.openai.parse.ChatOutputParser;
import dev.ariadne.server.openai.parse.ReasoningParser;
import dev.ariadne.server.openai.parse.ReasoningParsers;
import dev.ariadne.server.openai.parse.ToolCallParser;
import dev.ariadne.server.openai.parse.ToolCallParsers;

import java.util.List;
import java.util.Map;

/**
 * The assistant's generated text as the chat API returns it: {@code reasoning_content}, {@code content} and
 * {@code tool_calls}, split by the server's {@code --reasoning-parser} and {@code --tool-call-parser} (none: all of
 * it is content). The parsing itself is {@link ChatOutputParser}; this class writes its results as OpenAI JSON.
 */
final class AssistantOutput {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private AssistantOutput() {
    }

    /** A whole message: {@code {"role": "assistant", "content", "reasoning_content", "tool_calls"}}. */
    record Message(ObjectNode json, boolean toolsCalled) {
    }

    /** One choice's streaming state: text deltas in, delta objects out (none while text is held back). */
    interface Stream {
        List<ObjectNode> push(String textDelta);

        List<ObjectNode> finish();

        boolean toolsCalled();
    }

    /** Makes messages and streams with the server's parsers; unknown parser names fail at start-up. */
    static final class Factory {
        private final ReasoningParser reasoning;   // null: none
        private final ToolCallParser tools;        // null: none

        Factory(String reasoningParser, String toolCallParser) {
            this.reasoning = reasoningParser == null ? null : ReasoningParsers.named(reasoningParser);
            this.tools = toolCallParser == null ? null : ToolCallParsers.named(toolCallParser);
        }

        private ChatOutputParser parser(boolean withTools, Map<String, Object> templateKwargs) {
            return new ChatOutputParser(reasoning == null ? null : reasoning.withChatTemplateKwargs(templateKwargs),
                    withTools ? tools : null);
        }

        Message whole(String text, boolean withTools, Map<String, Object> templateKwargs) {
            ChatOutputParser.Parsed p = parser(withTools, templateKwargs).parse(text);
            ObjectNode m = F.objectNode();
            m.put("role", "assistant");
            m.put("content", p.content());
            m.put("reasoning_content", p.reasoning());
            ArrayNode calls = m.putArray("tool_calls");
            for (ToolCallParser.ToolCall c : p.toolCalls()) {
                ObjectNode call = calls.addObject();
                call.put("id", c.id());
                call.put("type", "function");
                call.putObject("function").put("name", c.name()).put("arguments", c.argumentsJson());
            }
            return new Message(m, !p.toolCalls().isEmpty());
        }

        Stream stream(boolean withTools, Map<String, Object> templateKwargs) {
            ChatOutputParser.Stream s = parser(withTools, templateKwargs).stream();
            return new Stream() {
                private boolean called;

                @Override
                public List<ObjectNode> push(String textDelta) {
                    return json(s.push(textDelta));
                }

                @Override
                public List<ObjectNode> finish() {
                    return json(s.finish());
                }

                @Override
                public boolean toolsCalled() {
                    return called;
                }

                private List<ObjectNode> json(ChatOutputParser.Delta d) {
                    if (d.isEmpty()) return List.of();
                    ObjectNode delta = F.objectNode();
                    if (!d.reasoning().isEmpty()) delta.put("reasoning_content", d.reasoning());
                    if (!d.content().isEmpty()) delta.put("content", d.content());
                    if (!d.toolCalls().isEmpty()) {
                        called = true;
                        ArrayNode calls = delta.putArray("tool_calls");
                        for (ToolCallParser.CallDelta c : d.toolCalls()) {
                            ObjectNode call = calls.addObject();
                            call.put("index", c.index());
                            if (c.id() != null) call.put("id", c.id());
                            if (c.type() != null) call.put("type", c.type());
                            ObjectNode fn = call.putObject("function");
                            if (c.name() != null) fn.put("name", c.name());
                            if (c.arguments() != null) fn.put("arguments", c.arguments());
                        }
                    }
                    return List.of(delta);
                }
            };
        }
    }
}
