package dev.ariadne.tokenizer;

import dev.ariadne.json.JsonObject;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The kit's Qwen3 tokenizations (llama-tokenize on qwen3-chat-Q8_0.gguf, reference/tokenizer/qwen3_tokenizer_tests.json):
 * every case in both modes, from the GGUF and from the real tokenizer.json. Ids must be equal, and the reference ids
 * decode back to the text.
 */
class TokQwen3ReferenceTest {

    private record Case(int index, String text, int[] parseSpecial, int[] noParseSpecial) {
    }

    private static List<Case> cases() {
        JsonObject root = JsonObject.parse(SharedKit.read("reference/tokenizer/qwen3_tokenizer_tests.json"),
                "qwen3_tokenizer_tests.json");
        List<Case> out = new ArrayList<>();
        for (Object o : root.getArray("cases")) {
            @SuppressWarnings("unchecked")
            JsonObject c = new JsonObject((Map<String, Object>) o, "case");
            out.add(new Case(out.size(), c.getString("text"), ids(c.getArray("ids_parse_special")),
                    ids(c.getArray("ids_no_parse_special"))));
        }
        return out;
    }

    static int[] ids(List<Object> list) {
        return list.stream().mapToInt(o -> (int) (long) (Long) o).toArray();
    }

    @Test
    void referenceHasAllCases() {
        assertEquals(71, cases().size(), "46 llama.cpp vocab cases + 25 extra inputs");
    }

    @TestFactory
    Stream<DynamicTest> gguf() {
        return tests("gguf", KitTokenizers.qwen3Gguf());
    }

    @TestFactory
    Stream<DynamicTest> tokenizerJson() {
        return tests("tokenizer.json", KitTokenizers.qwen3Json());
    }

    private static Stream<DynamicTest> tests(String source, Tokenizer tok) {
        return cases().stream().flatMap(c -> Stream.of(
                DynamicTest.dynamicTest(source + " #" + c.index + " parse-special " + abbreviate(c.text), () ->
                        assertArrayEquals(c.parseSpecial, tok.encode(c.text, false, true), c.text)),
                DynamicTest.dynamicTest(source + " #" + c.index + " plain " + abbreviate(c.text), () ->
                        assertArrayEquals(c.noParseSpecial, tok.encode(c.text, false, false), c.text)),
                DynamicTest.dynamicTest(source + " #" + c.index + " decodes back " + abbreviate(c.text), () -> {
                    assertEquals(c.text, tok.decode(c.noParseSpecial));
                    assertEquals(c.text, tok.decode(c.parseSpecial, true));
                })));
    }

    static String abbreviate(String s) {
        String t = s.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
        return "'" + (t.length() > 40 ? t.substring(0, 40) + "..." : t) + "'";
    }
}
