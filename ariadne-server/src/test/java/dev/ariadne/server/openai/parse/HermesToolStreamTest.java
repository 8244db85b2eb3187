package dev.ariadne.server.openai.parse;

import dev.ariadne.server.openai.parse.ToolCallParser.Extracted;
import dev.ariadne.server.openai.parse.ToolCallParser.ToolCall;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The streaming invariant: for every content in which no block that parses comes before one that does not, and every
 * way of cutting it into deltas ({@link Splits}), the concatenated content deltas equal the whole-text content (null
 * read as empty) and the streamed calls equal the whole-text calls, ids included when both draw from the same seed.
 */
class HermesToolStreamTest {
    private static final String CALL = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\":\"Zürich\","
            + " \"days\":[1,2.0,3e2], \"note\":\"a <b> \\\"c\\\" 😀\"}}\n</tool_call>";

    private static final List<String> CONTENTS = List.of(
            "", "plain text, no calls", "<", "<tool_", "almost <tool_cal", "<tool_call>",
            CALL, "\n\n" + CALL, "Let me check." + CALL + "\n", CALL + CALL, "a" + CALL + " b " + CALL + " c",
            CALL.substring(0, CALL.length() - "</tool_call>".length()),
            CALL.substring(0, CALL.length() - 3),
            "text<tool_call>{\"name\": \"f\", \"arguments\": {}", "<tool_call></tool_call>",
            "x <tool_call>not json</tool_call> y <tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>",
            "<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call><tool_call>{\"name\": \"g\", \"arguments\": 1}",
            "<tool_call><tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>",
            "</tool_call> stray close, then " + CALL);

    @Test
    void concatenatedDeltasEqualTheWholeTextExtractionForEveryCut() {
        long seed = 1;
        for (String content : CONTENTS) {
            Extracted whole = emptyAsNull(new HermesToolParser(new Random(seed)).extract(content));
            for (List<String> deltas : Splits.of(content, seed, 200)) {
                Extracted streamed = HermesToolParserTest.streamed(new HermesToolParser(new Random(seed)), deltas);
                assertEquals(whole, streamed, () -> content + " as " + deltas);
            }
            seed++;
        }
    }

    /** Without calls {@code extract} returns the content as given, {@code ""} included; a stream cannot tell. */
    private static Extracted emptyAsNull(Extracted e) {
        return new Extracted(PyText.emptyToNull(e.content()), e.calls());
    }

    @Test
    void aValidCallBeforeABadOneIsTheOneDifference() {
        String content = "a" + CALL + "<tool_call>bad</tool_call> rest";
        assertEquals(new Extracted(content, List.of()), new HermesToolParser(new Random(1)).extract(content));
        Extracted streamed = HermesToolParserTest.streamed(new HermesToolParser(new Random(1)), List.of(content));
        assertEquals("a<tool_call>bad</tool_call> rest", streamed.content());
        assertEquals(List.of("get_weather"), streamed.calls().stream().map(ToolCall::name).toList());

        // The likeliest way to get there: generation cut off just after opening a second call.
        String cut = CALL + "<tool_call>";
        assertEquals(new Extracted(cut, List.of()), new HermesToolParser(new Random(1)).extract(cut));
        Extracted cutStreamed = HermesToolParserTest.streamed(new HermesToolParser(new Random(1)), List.of(cut));
        assertEquals(new Extracted("<tool_call>", new HermesToolParser(new Random(1)).extract(CALL).calls()),
                cutStreamed);
    }
}
