package dev.ariadne.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The regex splitting under the byte-level tokenizers. */
class TokPreTokenizerTest {

    @Test
    void qwen2SplitsAsTheRegexSays() {
        PreTokenizer qwen2 = PreTokenizer.of("qwen2", LlamaCppPreTokenizers.byName("qwen2").orElseThrow().regexes());
        assertEquals(List.of("I", "'M", " sure", " it", "'s", " ", "1", "2", "3", "!!", "   ", " x", "\n\n", "\t"),
                pieces(qwen2, "I'M sure it's 123!!    x\n\n\t"));
        // U+3000 and U+00A0 are whitespace like the space
        assertEquals(List.of("a", "\u3000\u00A0", " b"), pieces(qwen2, "a\u3000\u00A0 b"));
    }

    /** Each regex cuts the pieces the previous ones left; unmatched text stays a piece of its own. */
    @Test
    void sequencesApplyInTurn() {
        PreTokenizer falcon = PreTokenizer.of("falcon", LlamaCppPreTokenizers.byName("falcon").orElseThrow().regexes());
        assertEquals(List.of("Hello", ",", " world", " ", "123", "4", "..."), pieces(falcon, "Hello, world 1234..."));
        PreTokenizer lookahead = PreTokenizer.of("digits", List.of("(?=(\\d{3})+(?!\\d))"));
        assertEquals(List.of("1", "234", "567"), pieces(lookahead, "1234567"), "empty matches still cut");
    }

    @Test
    void everyLlamaCppPreTokenizerCompiles() {
        for (String name : LlamaCppPreTokenizers.supportedNames().split(", ")) {
            PreTokenizer p = PreTokenizer.of(name, LlamaCppPreTokenizers.byName(name).orElseThrow().regexes());
            assertEquals("Hello world, 123 日本", String.join("", pieces(p, "Hello world, 123 日本")), name);
        }
    }

    /** A word of 200,000 letters neither overflows the stack nor takes long. */
    @Test
    void longWordsMatchIteratively() {
        String word = "Ab".repeat(100_000);
        for (String name : List.of("gpt-4o", "tekken", "qwen2", "llama-bpe", "gpt-2", "deepseek-llm")) {
            PreTokenizer p = PreTokenizer.of(name, LlamaCppPreTokenizers.byName(name).orElseThrow().regexes());
            assertEquals(word, String.join("", pieces(p, word)), name);
        }
    }

    @Test
    void onigurumaScriptNamesBecomeJavaOnes() {
        PreTokenizer han = PreTokenizer.of("han", List.of("\\p{Han}+", "[\\p{L}\\p{N}]+"));
        assertEquals(List.of("ab", "日本", "c1"), pieces(han, "ab日本c1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PreTokenizer.of("bad", List.of("(unclosed")));
        assertEquals(true, e.getMessage().startsWith("bad: pre-tokenizer regex does not compile"));
    }

    private static List<String> pieces(PreTokenizer p, String text) {
        IntList bounds = new IntList(8);
        p.split(text, bounds);
        List<String> out = new ArrayList<>();
        for (int k = 0; k < bounds.size(); k += 2) out.add(text.substring(bounds.get(k), bounds.get(k + 1)));
        return out;
    }
}
