package dev.ariadne.server.openai.parse;

import dev.ariadne.server.openai.parse.ChatOutputParser.Parsed;
import dev.ariadne.server.openai.parse.ToolCallParser.CallDelta;
import dev.ariadne.server.openai.parse.ToolCallParser.ToolCall;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Reasoning first, then tools on the content, as vLLM's server combines {@code qwen3} and {@code hermes}. */
class ChatOutputParserTest {
    private static ChatOutputParser qwen3Hermes(long seed) {
        return new ChatOutputParser(new Qwen3ReasoningParser(), new HermesToolParser(new Random(seed)));
    }

    /** A stream's deltas folded into one {@link Parsed}, content whitespace-only read as null as parse does. */
    private static Parsed streamed(ChatOutputParser parser, List<String> deltas) {
        ChatOutputParser.Stream s = parser.stream();
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        List<CallDelta> pieces = new ArrayList<>();
        List<ChatOutputParser.Delta> out = new ArrayList<>();
        deltas.forEach(d -> out.add(s.push(d)));
        out.add(s.finish());
        for (ChatOutputParser.Delta d : out) {
            reasoning.append(d.reasoning());
            content.append(d.content());
            pieces.addAll(d.toolCalls());
        }
        List<ToolCall> calls = pieces.stream().map(p -> new ToolCall(p.id(), p.name(), p.arguments())).toList();
        String c = calls.isEmpty() || !PyText.isBlank(content) ? PyText.emptyToNull(content.toString()) : null;
        return new Parsed(PyText.emptyToNull(reasoning.toString()), c, calls);
    }

    @Test
    void vllmsReasoningThenToolCallOutput() {
        // Shortened from vLLM's hermes test (a QwQ output: <think> was in the prompt).
        String output = "好的，用户现在要研发一个5MW的燃气轮机。\n\n可能需要调用互联网搜索工具来查找。\n</think>\n\n"
                + "<tool_call>\n{\"name\": \"internet_search\", \"arguments\": {\"question\": \"5MW燃气轮机设计参数 空气流量\"}}"
                + "\n</tool_call>\n\n ";
        Parsed p = qwen3Hermes(1).parse(output);
        assertEquals("好的，用户现在要研发一个5MW的燃气轮机。\n\n可能需要调用互联网搜索工具来查找。\n", p.reasoning());
        assertNull(p.content(), "only whitespace before the call: no content");
        assertEquals(1, p.toolCalls().size());
        assertEquals("internet_search", p.toolCalls().getFirst().name());
        assertEquals("{\"question\": \"5MW燃气轮机设计参数 空气流量\"}", p.toolCalls().getFirst().argumentsJson());
        for (List<String> deltas : Splits.of(output, 3, 200)) {
            assertEquals(p, streamed(qwen3Hermes(1), deltas), () -> String.valueOf(deltas));
        }
    }

    @Test
    void contentWithoutCallsStaysAsTheReasoningParserLeftIt() {
        assertEquals(new Parsed("think", "\n\nThe answer.", List.of()),
                qwen3Hermes(1).parse("think</think>\n\nThe answer."));
        assertEquals(new Parsed("think", null, List.of()), qwen3Hermes(1).parse("<think>think</think>"));
        // Truncated in thought: everything is reasoning, the tool parser sees "" and finds nothing.
        String truncated = "<think>I will call <tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>";
        assertEquals(new Parsed(truncated.substring("<think>".length()), null, List.of()),
                qwen3Hermes(1).parse(truncated));
        // A bad call leaves the content whole, whitespace included.
        assertEquals(new Parsed("r", "\n<tool_call>{oops}</tool_call>", List.of()),
                qwen3Hermes(1).parse("r</think>\n<tool_call>{oops}</tool_call>"));
    }

    @Test
    void withoutParsersTheOutputIsContent() {
        String output = "<think>r</think>Before <tool_call>{\"name\": \"f\", \"arguments\": {\"a\": [1]}}</tool_call>";
        assertEquals(new Parsed(null, output, List.of()), new ChatOutputParser(null, null).parse(output));
        assertEquals(new Parsed("r", "Before <tool_call>{\"name\": \"f\", \"arguments\": {\"a\": [1]}}</tool_call>",
                List.of()), new ChatOutputParser(new Qwen3ReasoningParser(), null).parse(output));
        Parsed toolsOnly = new ChatOutputParser(null, new HermesToolParser(new Random(1))).parse(output);
        assertEquals("<think>r</think>Before ", toolsOnly.content());
        assertEquals("{\"a\": [1]}", toolsOnly.toolCalls().getFirst().argumentsJson());
        for (ChatOutputParser parser : List.of(new ChatOutputParser(null, null),
                new ChatOutputParser(new Qwen3ReasoningParser(), null))) {
            Parsed whole = parser.parse(output);
            for (List<String> deltas : Splits.of(output, 2, 50)) {
                assertEquals(whole, streamed(parser, deltas), () -> String.valueOf(deltas));
            }
        }
    }

    @Test
    void thinkingDisabledSendsTheWholeOutputToTheToolParser() {
        ChatOutputParser parser = new ChatOutputParser(
                new Qwen3ReasoningParser().withChatTemplateKwargs(Map.of("enable_thinking", false)),
                new HermesToolParser(new Random(5)));
        String output = "Sure.\n<tool_call>\n{\"name\": \"f\", \"arguments\": {\"x\": \"y\"}}\n</tool_call>";
        Parsed p = parser.parse(output);
        assertNull(p.reasoning());
        assertEquals("Sure.\n", p.content());
        assertEquals("{\"x\": \"y\"}", p.toolCalls().getFirst().argumentsJson());
        for (List<String> deltas : Splits.of(output, 9, 100)) {
            ChatOutputParser again = new ChatOutputParser(new Qwen3ReasoningParser(false),
                    new HermesToolParser(new Random(5)));
            assertEquals(p, streamed(again, deltas), () -> String.valueOf(deltas));
        }
    }

    @Test
    void twoCallsAfterReasoningStreamAsTheyClose() {
        String output = "<think>\nplan\n</think>\n\nChecking both.<tool_call>\n{\"name\": \"a\", \"arguments\": {}}\n"
                + "</tool_call>\n<tool_call>\n{\"name\": \"b\", \"arguments\": {\"k\": 1.50}}\n</tool_call>";
        Parsed p = qwen3Hermes(11).parse(output);
        assertEquals("\nplan\n", p.reasoning());
        assertEquals("\n\nChecking both.", p.content());
        assertEquals(List.of("{}", "{\"k\": 1.5}"), p.toolCalls().stream().map(ToolCall::argumentsJson).toList());
        for (List<String> deltas : Splits.of(output, 4, 200)) {
            assertEquals(p, streamed(qwen3Hermes(11), deltas), () -> String.valueOf(deltas));
        }
    }
}
