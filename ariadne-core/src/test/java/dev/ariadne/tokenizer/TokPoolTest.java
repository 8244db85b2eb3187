package dev.ariadne.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Concurrent tokenization through the pool gives the same ids as one thread. */
class TokPoolTest {

    @Test
    void concurrentRequestsTokenizeIndependently() {
        Tokenizer tok = KitTokenizers.qwen3Gguf();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            texts.add(switch (i % 4) {
                case 0 -> "Request " + i + ": Hello, world! How are you?";
                case 1 -> "<|im_start|>user\n你好，世界 " + i + "<|im_end|>";
                case 2 -> "def f" + i + "(x):\n    return x * " + i + "\n";
                default -> "Emoji 🦙 " + "word ".repeat(i);
            });
        }
        try (TokenizerPool pool = new TokenizerPool(tok, 4)) {
            assertEquals(4, pool.size());
            List<CompletableFuture<int[]>> futures = new ArrayList<>();
            for (String t : texts) futures.add(pool.encode(t, false, true));
            for (int i = 0; i < texts.size(); i++) {
                int[] ids = futures.get(i).join();
                assertArrayEquals(tok.encode(texts.get(i), false, true), ids, texts.get(i));
                assertEquals(tok.decode(ids), pool.decode(ids).join());
                assertEquals(texts.get(i), tok.decode(ids, true));
            }
        }
    }

    @Test
    void sizeMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new TokenizerPool(KitTokenizers.stories260K(), 0));
    }
}
