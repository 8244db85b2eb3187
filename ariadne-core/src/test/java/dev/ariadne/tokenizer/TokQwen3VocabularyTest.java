package dev.ariadne.tokenizer;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real Qwen3 vocabulary as the GGUF and tokenizer.json describe it (reference README section 3). */
class TokQwen3VocabularyTest {
    private final Tokenizer gguf = KitTokenizers.qwen3Gguf();
    private final Tokenizer json = KitTokenizers.qwen3Json();

    @Test
    void ggufSpecialTokens() {
        Vocabulary v = gguf.vocabulary();
        assertEquals(151936, gguf.vocabSize());
        assertEquals(151643, gguf.bosId());
        assertEquals(151645, gguf.eosId());
        assertFalse(gguf.addBos());
        assertEquals(TokenType.CONTROL, v.type(v.id("<|im_start|>")));
        assertEquals(TokenType.CONTROL, v.type(v.id("<|fim_prefix|>")));
        assertEquals(TokenType.USER_DEFINED, v.type(v.id("<think>")));
        assertEquals(TokenType.UNUSED, v.type(151669));
        assertEquals("", gguf.decode(new int[] {151669}), "padding rows decode to nothing");
        // as llama.cpp: EOS, <|endoftext|>, and the FIM pad / repo / file-separator tokens end generation
        assertArrayEquals(new int[] {151643, 151645, 151662, 151663, 151664}, gguf.endOfGenerationIds());
    }

    /** tokenizer.json holds 151669 ids and no BOS; tokenizer_config.json beside it names EOS. */
    @Test
    void tokenizerJsonSpecialTokens() {
        Vocabulary v = json.vocabulary();
        assertEquals(151669, json.vocabSize());
        assertEquals(-1, json.bosId());
        assertEquals(151645, json.eosId());
        assertFalse(json.addBos());
        for (int id = 0; id < json.vocabSize(); id++) {
            assertEquals(gguf.vocabulary().type(id), v.type(id), "type of " + id + " " + v.text(id));
            assertEquals(gguf.vocabulary().text(id), v.text(id));
        }
        assertArrayEquals(new int[] {151643, 151645, 151662, 151663, 151664}, json.endOfGenerationIds());
        assertEquals("", json.decode(new int[] {151700}), "ids past the tokenizer (model padding rows) decode to nothing");
    }

    @Test
    void chatPromptFromPromptsJson() {
        String chat = "<|im_start|>user\nHello! Who are you?<|im_end|>\n<|im_start|>assistant\n";
        int[] expected = {151644, 872, 198, 9707, 0, 10479, 525, 498, 30, 151645, 198, 151644, 77091, 198};
        assertArrayEquals(expected, gguf.encode(chat, true, true));
        assertArrayEquals(expected, json.encode(chat, true, true));
        assertEquals(chat, gguf.decode(expected, true));
        assertEquals("user\nHello! Who are you?\nassistant\n", gguf.decode(expected));
    }

    @Test
    void pieces() {
        assertArrayEquals(" Hello".getBytes(StandardCharsets.UTF_8), gguf.tokenBytes(gguf.vocabulary().id("ĠHello")));
        assertArrayEquals("<|im_end|>".getBytes(StandardCharsets.UTF_8), gguf.tokenBytes(151645));
        assertTrue(gguf.isControl(151645));
        assertTrue(gguf.isEndOfGeneration(151645));
        assertTrue(gguf.describe().contains("qwen2"), gguf.describe());
    }

    /** A long prompt (about 1 MB, many distinct words) tokenizes in reasonable time and round trips. */
    @Test
    void longPrompt() {
        StringBuilder sb = new StringBuilder();
        java.util.Random r = new java.util.Random(7);
        while (sb.length() < 1_000_000) {
            sb.append(switch (r.nextInt(4)) {
                case 0 -> "word" + r.nextInt(50_000) + " ";
                case 1 -> "The quick brown fox jumps over the lazy dog. ";
                case 2 -> "日本語のテキスト" + (char) (0x4E00 + r.nextInt(2000)) + "。";
                default -> "x = f(" + r.nextInt(1000) + ");\n";
            });
        }
        String text = sb.toString();
        long start = System.nanoTime();
        int[] ids = gguf.encode(text, false, false);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(text, gguf.decode(ids));
        assertTrue(seconds < 20, "1 MB took " + seconds + " s");
    }
}
