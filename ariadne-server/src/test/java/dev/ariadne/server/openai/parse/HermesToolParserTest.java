package dev.ariadne.server.openai.parse;

import dev.ariadne.server.openai.parse.ToolCallParser.CallDelta;
import dev.ariadne.server.openai.parse.ToolCallParser.Delta;
import dev.ariadne.server.openai.parse.ToolCallParser.Extracted;
import dev.ariadne.server.openai.parse.ToolCallParser.ToolCall;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cases of vLLM's {@code tests/tool_parsers/test_hermes_tool_parser.py} (whole and streamed), then Ariadne's
 * edge cases. Streams are read as vLLM's tests read them: content deltas concatenated, argument pieces concatenated
 * per call index.
 */
class HermesToolParserTest {
    private static HermesToolParser parser() {
        return new HermesToolParser(new Random(7));
    }

    /** A stream's result as one {@link Extracted}: content concatenated (empty read as null), calls by index. */
    static Extracted streamed(ToolCallParser parser, List<String> deltas) {
        ToolCallParser.Stream stream = parser.stream();
        StringBuilder content = new StringBuilder();
        List<CallDelta> pieces = new ArrayList<>();
        for (String d : deltas) {
            Delta out = stream.push(d);
            content.append(out.content());
            pieces.addAll(out.calls());
        }
        Delta last = stream.finish();
        content.append(last.content());
        pieces.addAll(last.calls());
        List<ToolCall> calls = new ArrayList<>();
        for (CallDelta p : pieces) {
            if (p.id() != null) {
                assertEquals(calls.size(), p.index(), "calls are numbered in order");
                assertEquals("function", p.type());
                calls.add(new ToolCall(p.id(), p.name(), p.arguments()));
            } else {
                ToolCall c = calls.get(p.index());
                calls.set(p.index(), new ToolCall(c.id(), c.name(), c.argumentsJson() + p.arguments()));
            }
        }
        return new Extracted(PyText.emptyToNull(content.toString()), calls);
    }

    private static List<String> chunks(String text, int size) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < text.length(); i += size) {
            out.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        return out;
    }

    @Test
    void vllmNoToolCall() {
        Extracted e = parser().extract("This is not a tool call.");
        assertFalse(e.toolsCalled());
        assertEquals("This is not a tool call.", e.content());
        String text = "This is some prior text that has nothing to do with tool calling.";
        for (int size : new int[]{1, 2, 3, 5}) {
            assertEquals(new Extracted(text, List.of()), streamed(parser(), chunks(text, size)));
        }
    }

    @Test
    void vllmToolCallBetweenTagsAndUntilEos() {
        for (String text : List.of(
                "<tool_call>\n{\"name\": \"final_answer\", \"arguments\": {\"trigger\": true}}\n</tool_call>",
                "<tool_call>\n{\"name\": \"final_answer\", \"arguments\": {\"trigger\": true}}")) {
            Extracted e = parser().extract(text);
            assertTrue(e.toolsCalled());
            assertNull(e.content());
            assertEquals("final_answer", e.calls().getFirst().name());
            assertEquals("{\"trigger\": true}", e.calls().getFirst().argumentsJson());
            for (int size : new int[]{1, 2, 5}) {
                Extracted s = streamed(parser(), chunks(text, size));
                assertEquals("{\"trigger\": true}", s.calls().getFirst().argumentsJson());
                assertNull(s.content());
            }
        }
    }

    @Test
    void vllmInvalidJsonIsContent() {
        String text = "<tool_call>\n{\"name\": \"final_answer\", \"arguments\": {\"trigger\": true}";
        Extracted e = parser().extract(text);
        assertFalse(e.toolsCalled());
        assertEquals(text, e.content());
        assertEquals(e, streamed(parser(), chunks(text, 3)));
    }

    @Test
    void vllmArgumentsAreReserializedWithPythonSeparators() {
        String text = "<tool_call>{\"name\": \"get_current_temperature\",\"arguments\": {\"location\":"
                + "\"San Francisco, California, United States\", \"unit\": \"celsius\"}}</tool_call>";
        String args = "{\"location\": \"San Francisco, California, United States\", \"unit\": \"celsius\"}";
        assertEquals(args, parser().extract(text).calls().getFirst().argumentsJson());
        assertEquals(args, streamed(parser(), chunks(text, 2)).calls().getFirst().argumentsJson());
    }

    @Test
    void vllmContentThenToolCallAndTwoCalls() {
        String text = "Sure, let me check the weather."
                + "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"NYC\"}}</tool_call>";
        for (int size : new int[]{2, 3, 5, 8, 9999}) {
            Extracted s = streamed(parser(), chunks(text, size));
            assertEquals("Sure, let me check the weather.", s.content());
            assertEquals("{\"city\": \"NYC\"}", s.calls().getFirst().argumentsJson());
        }
        String two = "<tool_call>{\"name\": \"search\", \"arguments\": {\"q\": \"cats\"}}</tool_call>"
                + "<tool_call>{\"name\": \"search\", \"arguments\": {\"q\": \"dogs\"}}</tool_call>";
        for (int size : new int[]{1, 2, 4}) {
            List<ToolCall> calls = streamed(parser(), chunks(two, size)).calls();
            assertEquals(List.of("{\"q\": \"cats\"}", "{\"q\": \"dogs\"}"),
                    calls.stream().map(ToolCall::argumentsJson).toList());
        }
        assertEquals(new Extracted("Hi!", List.of(new ToolCall("id", "f", "{\"x\": 1}"))).content(),
                parser().extract("Hi!<tool_call>{\"name\": \"f\", \"arguments\": {\"x\": 1}}</tool_call>").content());
    }

    @Test
    void argumentsOfAnyTypeAreSerializedAsIs() {
        // vLLM main dumps whatever "arguments" holds; a string stays a JSON string (PR #54964 would unwrap it).
        String text = "<tool_call>{\"name\": \"f\", \"arguments\": \"{\\\"a\\\": 1}\"}</tool_call>"
                + "<tool_call>{\"name\": \"g\", \"arguments\": null}</tool_call>"
                + "<tool_call>{\"arguments\": [1, 2.50, \"é\"], \"name\": \"h\"}</tool_call>";
        assertEquals(List.of("\"{\\\"a\\\": 1}\"", "null", "[1, 2.5, \"é\"]"),
                parser().extract(text).calls().stream().map(ToolCall::argumentsJson).toList());
    }

    @Test
    void unicodeArgumentsStayUnescaped() {
        String text = "<tool_call>\n{\"name\": \"internet_search\", \"arguments\": {\"question\": "
                + "\"5MW燃气轮机设计参数 \\u7a7a\\u6c14流量 😀\"}}\n</tool_call>\n\n ";
        ToolCall call = parser().extract(text).calls().getFirst();
        assertEquals("{\"question\": \"5MW燃气轮机设计参数 空气流量 😀\"}", call.argumentsJson());
    }

    @Test
    void anyBadBlockMakesTheWholeTextContent() {
        for (String text : List.of(
                "a<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call><tool_call>oops</tool_call>",
                "<tool_call></tool_call>",
                "<tool_call>[1, 2]</tool_call>",
                "<tool_call>{\"arguments\": {}}</tool_call>",
                "<tool_call>{\"name\": \"f\"}</tool_call>",
                "<tool_call>{\"name\": 3, \"arguments\": {}}</tool_call>",
                "<tool_call>{\"name\": \"f\", \"arguments\": {}} trailing</tool_call>",
                "<tool_call>{\"name\": \"f\", \"arguments\": {\"s\": \"a </tool_call> b\"}}</tool_call>")) {
            assertEquals(new Extracted(text, List.of()), parser().extract(text), text);
        }
    }

    @Test
    void contentIsTheTextBeforeTheFirstCall() {
        Extracted e = parser().extract("Let me look.\n<tool_call>{\"name\": \"a\", \"arguments\": {}}</tool_call>"
                + " between <tool_call>{\"name\": \"b\", \"arguments\": {}}</tool_call> after");
        assertEquals("Let me look.\n", e.content());
        assertEquals(List.of("a", "b"), e.calls().stream().map(ToolCall::name).toList());
        assertEquals(new Extracted("", List.of()), parser().extract(""));
    }

    @Test
    void idsLookLikeVllmsAndFollowTheGenerator() {
        List<ToolCall> calls = parser().extract("<tool_call>{\"name\": \"a\", \"arguments\": {}}</tool_call>"
                + "<tool_call>{\"name\": \"b\", \"arguments\": {}}</tool_call>").calls();
        for (ToolCall c : calls) {
            assertTrue(c.id().matches("chatcmpl-tool-[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}"), c.id());
        }
        assertNotEquals(calls.get(0).id(), calls.get(1).id());
        assertEquals(calls, parser().extract("<tool_call>{\"name\": \"a\", \"arguments\": {}}</tool_call>"
                + "<tool_call>{\"name\": \"b\", \"arguments\": {}}</tool_call>").calls(), "same seed, same ids");
    }

    @Test
    void streamEmitsContentAtOnceAndACallAsSoonAsItsBlockCloses() {
        ToolCallParser.Stream s = parser().stream();
        assertEquals(new Delta("Checking", List.of()), s.push("Checking"));
        assertEquals(new Delta(" now", List.of()), s.push(" now<tool_"));
        assertEquals(Delta.EMPTY, s.push("call>{\"name\": \"f\", "));
        Delta call = s.push("\"arguments\": {\"x\":1}}</tool_call>\n");
        assertEquals("", call.content());
        assertEquals(1, call.calls().size());
        CallDelta d = call.calls().getFirst();
        assertEquals(0, d.index());
        assertEquals("f", d.name());
        assertEquals("{\"x\": 1}", d.arguments());
        assertEquals(Delta.EMPTY, s.push("dropped between calls"));
        assertEquals(Delta.EMPTY, s.finish());
    }

    @Test
    void registryKnowsHermes() {
        assertTrue(ToolCallParsers.named("hermes") instanceof HermesToolParser);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ToolCallParsers.named("mistral"));
        assertTrue(e.getMessage().contains("\"mistral\"") && e.getMessage().contains("hermes"), e.getMessage());
        assertEquals(List.of("hermes"), ToolCallParsers.names());
    }
}
