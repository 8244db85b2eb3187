package dev.ariadne.server.openai.parse;

import dev.ariadne.server.openai.parse.ReasoningParser.Delta;
import dev.ariadne.server.openai.parse.ReasoningParser.Split;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cases of vLLM's {@code tests/reasoning/test_qwen3_reasoning_parser.py} (main, 2026), whole and streamed, then
 * Ariadne's own edge cases. A streamed result is read as vLLM's test reads it: the reasoning deltas concatenated, and
 * the content deltas concatenated with empty read as None.
 */
class Qwen3ReasoningParserTest {
    static final String TOOL_CALL_BODY = "<tool_call>\n<function=bash>\n<parameter=command>\ncat /etc/hosts\n"
            + "</parameter>\n</function>\n</tool_call>";

    private static final Qwen3ReasoningParser PARSER = new Qwen3ReasoningParser();

    /** vLLM's cases: output, expected reasoning, expected content; streaming expects the same. */
    private static final List<List<String>> VLLM_CASES = List.of(
            cases("This is a reasoning section</think>This is the rest", "This is a reasoning section",
                    "This is the rest"),                                                  // without_start_token
            cases("This is a reasoning section</think>", "This is a reasoning section", null),
            cases("<think>This is a reasoning section</think>This is the rest", "This is a reasoning section",
                    "This is the rest"),                                                  // with_think
            cases("This is the rest", "This is the rest", null),                          // without_think: truncated
            cases("<think>This is a reasoning section</think>", "This is a reasoning section", null),
            cases("<think>This is a reasoning\nsection</think>This is the rest\nThat", "This is a reasoning\nsection",
                    "This is the rest\nThat"),                                            // multiline_reasoning
            cases("<think>This is a reasoning section", "This is a reasoning section", null), // only_open_tag
            cases("This is a reasoning section", "This is a reasoning section", null),     // truncated_no_start
            cases("I need to read the file.\n\n" + TOOL_CALL_BODY, "I need to read the file.\n\n", TOOL_CALL_BODY),
            cases("<think>I need to read the file.\n\n" + TOOL_CALL_BODY, "I need to read the file.\n\n",
                    TOOL_CALL_BODY));

    private static List<String> cases(String output, String reasoning, String content) {
        List<String> c = new ArrayList<>();
        c.add(output);
        c.add(reasoning);
        c.add(content);
        return c;
    }

    static Split streamed(ReasoningParser parser, List<String> deltas) {
        ReasoningParser.Stream stream = parser.stream();
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        for (String d : deltas) {
            Delta out = stream.push(d);
            reasoning.append(out.reasoning());
            content.append(out.content());
        }
        Delta last = stream.finish();
        reasoning.append(last.reasoning());
        content.append(last.content());
        return new Split(reasoning.toString(), PyText.emptyToNull(content.toString()));
    }

    @Test
    void vllmCasesWhole() {
        for (List<String> c : VLLM_CASES) {
            assertEquals(new Split(c.get(1), c.get(2)), PARSER.extract(c.get(0)), c.get(0));
        }
    }

    @Test
    void vllmCasesStreamedCharacterByCharacter() {
        for (List<String> c : VLLM_CASES) {
            List<String> chars = c.get(0).chars().mapToObj(ch -> String.valueOf((char) ch)).toList();
            assertEquals(new Split(c.get(1), c.get(2)), streamed(PARSER, chars), c.get(0));
        }
    }

    @Test
    void vllmMultiTokenDeltas() {
        assertEquals(new Split("This is a reasoning section", "This is the rest"),
                streamed(PARSER, List.of("<think>This is a reasoning section", "</think>", "This is the rest")));
        assertEquals(new Split("reasoning section", "This is the rest"),
                streamed(PARSER, List.of("reasoning section", "</think>This is the rest")));
        assertEquals(new Split("reasoning", null), streamed(PARSER, List.of("<think>reasoning</think>")));
        assertEquals(new Split("reasoning section", "content"),
                streamed(PARSER, List.of("reasoning section", "</think>content")));
        assertEquals(new Split("I need to read the file.\n\n", "<tool_call>\n<function=bash>"),
                streamed(PARSER, List.of("I need to read the file.\n\n", "<tool_call>\n<function=bash>")));
    }

    @Test
    void vllmThinkingDisabled() {
        ReasoningParser off = PARSER.withChatTemplateKwargs(Map.of("enable_thinking", false));
        for (String output : List.of("This is plain content", "Some output without think tokens",
                "I need to read the file.\n\n" + TOOL_CALL_BODY)) {
            assertEquals(new Split(null, output), off.extract(output), output);
            assertEquals(new Split("", output), streamed(off, List.of(output.substring(0, 3), output.substring(3))));
        }
    }

    @Test
    void thinkingDisabledStillSplitsAtAnEndTagWhenWhole() {
        ReasoningParser off = new Qwen3ReasoningParser(false);
        assertEquals(new Split("a", "b"), off.extract("<think>a</think>b"));
        assertEquals(new Split(null, "b"), off.extract("<think>b"));
        assertEquals(new Split(null, ""), off.extract(""));
        // The stream passes text through, as vLLM's server does once the prompt has closed the thinking block.
        assertEquals(new Split("", "<think>a</think>b"), streamed(off, List.of("<think>a</thi", "nk>b")));
    }

    @Test
    void enableThinkingIsReadWithPythonTruth() {
        assertTrue(PARSER.withChatTemplateKwargs(Map.of()).thinkingEnabled());
        assertTrue(PARSER.withChatTemplateKwargs(null).thinkingEnabled());
        assertTrue(PARSER.withChatTemplateKwargs(Map.of("enable_thinking", true)).thinkingEnabled());
        assertTrue(PARSER.withChatTemplateKwargs(Map.of("enable_thinking", "no")).thinkingEnabled());
        assertSame(PARSER, PARSER.withChatTemplateKwargs(Map.of("other", 1)));
        for (Object falsy : new Object[]{false, 0L, 0.0, "", List.of(), Map.of()}) {
            assertFalse(PARSER.withChatTemplateKwargs(Map.of("enable_thinking", falsy)).thinkingEnabled(),
                    String.valueOf(falsy));
        }
        Map<String, Object> none = new HashMap<>();
        none.put("enable_thinking", null);
        assertFalse(PARSER.withChatTemplateKwargs(none).thinkingEnabled());
        assertTrue(new Qwen3ReasoningParser(false).withChatTemplateKwargs(Map.of()).thinkingEnabled());
    }

    @Test
    void edgeCasesWhole() {
        assertEquals(new Split("", null), PARSER.extract(""));
        assertEquals(new Split("", "answer"), PARSER.extract("</think>answer"));
        assertEquals(new Split("", null), PARSER.extract("<think></think>"));
        // Text before the first <think> is dropped; later tags are text.
        assertEquals(new Split("r", "c"), PARSER.extract("junk<think>r</think>c"));
        assertEquals(new Split("a<think>b", "c</think>d"), PARSER.extract("<think>a<think>b</think>c</think>d"));
        // A </think> anywhere wins over a function-opening tool call before it.
        assertEquals(new Split("r" + TOOL_CALL_BODY + "\n", "\n\nok"),
                PARSER.extract("r" + TOOL_CALL_BODY + "\n</think>\n\nok"));
        // Only the first <tool_call> may end the reasoning, and only if a function opens after it.
        String hermes = "r<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>";
        assertEquals(new Split(hermes, null), PARSER.extract(hermes));
        assertEquals(new Split(hermes + TOOL_CALL_BODY, null), PARSER.extract(hermes + TOOL_CALL_BODY));
        assertEquals(new Split(null, "<tool_call><function=f>"), PARSER.extract("<tool_call><function=f>"));
        assertEquals(new Split("r<tool_call><function", null), PARSER.extract("r<tool_call><function"));
        assertEquals(new Split("r<tool_call><functions>", null), PARSER.extract("r<tool_call><functions>"));
        // Python's whitespace: a no-break space counts before the function and after its name.
        assertEquals(new Split("r", "<tool_call>\u00a0<function\u2007name=\"x\">"),
                PARSER.extract("r<tool_call>\u00a0<function\u2007name=\"x\">"));
        assertEquals(new Split("思考😀", "答案😀"), PARSER.extract("<think>思考😀</think>答案😀"));
    }

    @Test
    void streamingEmitsReasoningAsItComesAndHoldsOnlyPossibleTags() {
        ReasoningParser.Stream s = PARSER.stream();
        assertEquals(new Delta("", ""), s.push("\n"));               // could still become "\n<think>"
        assertEquals(new Delta("\nLet me", ""), s.push("Let me"));
        assertEquals(new Delta(" think", ""), s.push(" think<"));     // "<" may start </think> or <tool_call>
        assertEquals(new Delta("", ""), s.push("/thi"));
        assertEquals(new Delta("</this>", ""), s.push("s>"));         // not a tag after all: released
        assertEquals(new Delta(" ok", "The"), s.push(" ok</think>The"));
        assertEquals(new Delta("", " answer</think>"), s.push(" answer</think>"));
        assertEquals(Delta.EMPTY, s.finish());
    }

    @Test
    void streamingHoldsAToolCallUntilItIsDecided() {
        ReasoningParser.Stream s = PARSER.stream();
        assertEquals(new Delta("plan ", ""), s.push("plan <tool_call>\n "));
        assertEquals(Delta.EMPTY, s.push("<func"));
        assertEquals(Delta.EMPTY, s.push("tion=bash>"));              // opens a function: held until </think> or end
        assertEquals(Delta.EMPTY, s.push("\n</function>\n</tool_call>"));
        assertEquals(new Delta("", "<tool_call>\n <function=bash>\n</function>\n</tool_call>"), s.finish());

        ReasoningParser.Stream hermes = PARSER.stream();
        assertEquals(new Delta("plan ", ""), hermes.push("plan <tool_call>\n"));
        assertEquals(new Delta("<tool_call>\n{\"name\"", ""), hermes.push("{\"name\""));  // no function: reasoning
        assertEquals(new Delta(": 1}", ""), hermes.push(": 1}"));
    }

    @Test
    void registryKnowsQwen3() {
        assertTrue(ReasoningParsers.named("qwen3") instanceof Qwen3ReasoningParser);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReasoningParsers.named("deepseek"));
        assertTrue(e.getMessage().contains("\"deepseek\"") && e.getMessage().contains("qwen3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReasoningParsers.named(null));
        assertEquals(List.of("qwen3"), ReasoningParsers.names());
    }
}
