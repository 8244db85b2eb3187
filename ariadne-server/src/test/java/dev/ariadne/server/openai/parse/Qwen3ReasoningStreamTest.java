package dev.ariadne.server.openai.parse;

import dev.ariadne.server.openai.parse.ReasoningParser.Split;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.ariadne.server.openai.parse.Qwen3ReasoningParserTest.TOOL_CALL_BODY;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The streaming invariant: for every output whose first {@code <think>} comes before any other non-whitespace text,
 * and every way of cutting it into deltas ({@link Splits}), the concatenated reasoning deltas equal the whole-text
 * reasoning and the concatenated content deltas the whole-text content (null read as empty).
 */
class Qwen3ReasoningStreamTest {
    private static final List<String> OUTPUTS = List.of(
            "", " ", "\n\n", "<", "<th", "<think>", "<think></think>", "</think>", "</thi", "<think>\n\n</think>\n\n",
            "This is a reasoning section</think>This is the rest",
            "<think>This is a reasoning\nsection</think>This is the rest\nThat",
            "  \n<think>leading whitespace</think>answer",
            "\n<thinking>not the tag</think>answer",
            "<think>truncated mid-thought <", "truncated at a partial end tag </thi",
            "a</think>b</think>c", "<think>a<think>b</think>c<think>d",
            "<think>思考 😀 with <b>markup</b> & <i>tags</i></think>答案 😀 <think> stays",
            "I need to read the file.\n\n" + TOOL_CALL_BODY,
            "<think>I need to read the file.\n\n" + TOOL_CALL_BODY,
            "plan" + TOOL_CALL_BODY + "\n</think>\n\n" + TOOL_CALL_BODY,
            "plan<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>" + TOOL_CALL_BODY,
            "plan<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call></think>\n\n<tool_call>{}</tool_call>",
            "plan<tool_call>", "plan<tool_call>  \n ", "plan<tool_call><function", "plan<tool_call><function=",
            "plan<tool_call><functio</think>x", "plan<tool_call> <functions>", "plan<tool_call>\u00a0<function\u2007x",
            "<tool_call><tool_call><function=f>", "<tool_c</think>");

    @Test
    void concatenatedDeltasEqualTheWholeTextSplitForEveryCut() {
        Qwen3ReasoningParser parser = new Qwen3ReasoningParser();
        long seed = 1;
        for (String output : OUTPUTS) {
            Split whole = parser.extract(output);
            Split expected = new Split(whole.reasoning() == null ? "" : whole.reasoning(), whole.content());
            for (List<String> deltas : Splits.of(output, seed++, 300)) {
                assertEquals(expected, Qwen3ReasoningParserTest.streamed(parser, deltas),
                        () -> output + " as " + deltas);
            }
        }
    }

    @Test
    void longOutputsWithManyTagsKeepTheInvariant() {
        // Random texts over an alphabet of tag fragments, so tags form, break and repeat in every arrangement.
        String[] pieces = {"<think>", "</think>", "<tool_call>", "<function=", "<function ", "<", "/", "think>",
            "tool_call>", "\n", " ", "\u00a0", "x", "é", "😀", "</", "<th", "</tool_call>"};
        Qwen3ReasoningParser parser = new Qwen3ReasoningParser();
        Random random = new Random(42);
        List<String> outputs = new ArrayList<>();
        while (outputs.size() < 400) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(14);
            for (int i = 0; i < n; i++) {
                b.append(pieces[random.nextInt(pieces.length)]);
            }
            String s = b.toString();
            String beforeThink = s.contains("<think>") ? s.substring(0, s.indexOf("<think>")) : "";
            if (PyText.isBlank(beforeThink)) {
                outputs.add(s);
            }
        }
        long seed = 7;
        for (String output : outputs) {
            Split whole = parser.extract(output);
            Split expected = new Split(whole.reasoning() == null ? "" : whole.reasoning(), whole.content());
            for (List<String> deltas : Splits.of(output, seed++, 20)) {
                assertEquals(expected, Qwen3ReasoningParserTest.streamed(parser, deltas),
                        () -> output + " as " + deltas);
            }
        }
    }
}
