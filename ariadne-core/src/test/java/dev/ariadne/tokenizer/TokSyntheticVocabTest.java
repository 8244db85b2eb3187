package dev.ariadne.tokenizer;

import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kit's synthetic 1024-token vocabulary (reference README 2.1) in every GGUF flavour and as the HF directories'
 * tokenizer.json: loads, special ids as documented, round trips, and GGUF and tokenizer.json agree.
 */
class TokSyntheticVocabTest {
    private static final List<String> TEXTS = List.of(
            "Hello world", "The quick brown fox jumps over the lazy dog.", "  leading and trailing spaces  ",
            "numbers 1234567890 3.14", "tabs\tand\nnewlines\r\n", "I'm sure you'll see they've done it",
            "Ünïcödé — 日本語のテキスト 🦙🚀", "<|im_start|>user\nhi<|im_end|>\n", "");

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3", "qwen3moe", "deepseek2"})
    void ggufLoadsWithDocumentedSpecialIds(String arch) {
        Tokenizer tok = Tokenizers.fromGGUF(SharedKit.file("models/" + arch + "/" + arch + "-F32.gguf"));
        assertEquals(1024, tok.vocabSize());
        assertEquals("!", tok.vocabulary().text(0));
        for (int id = 1021; id <= 1023; id++) assertTrue(tok.isControl(id), "id " + id);
        assertEquals(1021, tok.bosId());
        boolean llamaLike = arch.equals("llama") || arch.equals("deepseek2");
        assertEquals(llamaLike, tok.addBos());
        assertEquals(arch.startsWith("qwen3") ? 1023 : 1021, tok.eosId());
        assertTrue(tok.isEndOfGeneration(1021), "<|endoftext|>");
        assertTrue(tok.isEndOfGeneration(1023), "<|im_end|>");
        assertFalse(tok.isEndOfGeneration(1022), "<|im_start|>");
        for (String text : TEXTS) {
            int[] ids = tok.encode(text, true, false);
            assertEquals(llamaLike, ids.length > 0 && ids[0] == 1021, text);
            assertEquals(text, tok.decode(ids), text);
            int[] special = tok.encode(text, false, true);
            assertEquals(text, tok.decode(special, true), text);
        }
        assertArrayEquals(new int[] {1022, 1023}, tok.encode("<|im_start|><|im_end|>", false, true));
        assertTrue(tok.encode("<|im_start|>", false, false).length > 1, "plain text never becomes a control token");
    }

    /** Ids 0-255 are the byte symbols: each decodes to its one byte. */
    @Test
    void byteSymbolsDecodeToTheirBytes() {
        Tokenizer tok = Tokenizers.fromGGUF(SharedKit.file("models/qwen3/qwen3-F32.gguf"));
        for (int b = 0; b < 256; b++) {
            int id = tok.vocabulary().id(String.valueOf(ByteLevel.charOf(b)));
            assertTrue(id >= 0 && id < 256, "byte " + b);
            assertArrayEquals(new byte[] {(byte) b}, tok.tokenBytes(id), "byte " + b);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3", "qwen3moe"})
    void tokenizerJsonAgreesWithGguf(String arch) {
        Tokenizer gguf = Tokenizers.fromGGUF(SharedKit.file("models/" + arch + "/" + arch + "-F32.gguf"));
        Tokenizer json = Tokenizers.fromTokenizerJson(SharedKit.file("models/hf/" + arch));
        assertEquals(gguf.vocabSize(), json.vocabSize());
        assertEquals(gguf.addBos(), json.addBos());
        assertEquals(gguf.bosId(), json.bosId());
        assertEquals(gguf.eosId(), json.eosId());
        for (String text : TEXTS) {
            for (boolean special : new boolean[] {false, true}) {
                assertArrayEquals(gguf.encode(text, true, special), json.encode(text, true, special),
                        text + " parseSpecial=" + special);
            }
            assertEquals(text, json.decode(json.encode(text, false, false)));
        }
    }

    @Test
    void loadAcceptsFilesAndDirectories() {
        assertEquals(1024, Tokenizers.load(SharedKit.file("models/qwen3/qwen3-Q8_0.gguf")).vocabSize());
        assertEquals(1024, Tokenizers.load(SharedKit.file("models/hf/qwen3/tokenizer.json")).vocabSize());
        assertEquals(1024, Tokenizers.load(SharedKit.file("models/hf/qwen3")).vocabSize());
        assertTrue(Tokenizers.load(SharedKit.file("models/hf/qwen3")).describe().contains("tokenizer.json"));
    }
}
