package dev.ariadne.cli;

import dev.ariadne.testing.SharedKit;
import dev.ariadne.tokenizer.TokenType;
import dev.ariadne.tokenizer.Tokenizer;
import dev.ariadne.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The random dataset on stories260K's 512-token vocabulary: ordinary tokens only, distinct starts, seeded. */
class RandomPromptsTest {
    private static final Tokenizer TOKENIZER = Tokenizers.load(SharedKit.file("models/stories260K/stories260K.gguf"));

    @Test
    void ordinaryTokensOnlyWithDistinctFirstTokens() {
        List<int[]> prompts = RandomPrompts.generate(TOKENIZER, 100, 37, 1);
        assertEquals(100, prompts.size());
        Set<Integer> firsts = new HashSet<>();
        for (int[] p : prompts) {
            assertEquals(37, p.length);
            for (int id : p) assertEquals(TokenType.NORMAL, TOKENIZER.vocabulary().type(id), "id " + id);
            firsts.add(p[0]);
        }
        assertEquals(100, firsts.size(), "prompts must not share a first block");
    }

    @Test
    void theSeedDecides() {
        List<int[]> a = RandomPrompts.generate(TOKENIZER, 3, 9, 5);
        List<int[]> b = RandomPrompts.generate(TOKENIZER, 3, 9, 5);
        List<int[]> c = RandomPrompts.generate(TOKENIZER, 3, 9, 6);
        for (int i = 0; i < 3; i++) assertArrayEquals(a.get(i), b.get(i));
        assertTrue(!java.util.Arrays.equals(a.get(1), c.get(1)));
    }
}
