package dev.ariadne.cli;

import dev.ariadne.tokenizer.TokenType;
import dev.ariadne.tokenizer.Tokenizer;
import dev.ariadne.tokenizer.Vocabulary;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * vLLM's random dataset for a server benchmark: prompts of random token ids drawn from the tokenizer's ordinary
 * tokens. Control tokens ({@code <|im_start|>}, EOS) are left out as vLLM leaves out special ids: inside a chat
 * message they would be re-read as structure. Prompt i starts with ordinary token {@code (offset + i)}, so no two
 * prompts share a first block and the prefix cache has nothing to serve (while count <= the ordinary tokens).
 */
final class RandomPrompts {
    private RandomPrompts() {
    }

    /** {@code count} prompts of {@code length} ids each, the same for the same seed and tokenizer. */
    static List<int[]> generate(Tokenizer tokenizer, int count, int length, long seed) {
        int[] allowed = ordinaryIds(tokenizer.vocabulary());
        SplittableRandom rnd = new SplittableRandom(seed);
        int offset = rnd.nextInt(allowed.length);
        List<int[]> prompts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int[] p = new int[length];
            p[0] = allowed[(int) ((offset + (long) i) % allowed.length)];
            for (int j = 1; j < length; j++) p[j] = allowed[rnd.nextInt(allowed.length)];
            prompts.add(p);
        }
        return prompts;
    }

    /** Ids of NORMAL tokens; a vocabulary without any (none known) falls back to all but hidden and unused ones. */
    private static int[] ordinaryIds(Vocabulary v) {
        int[] normal = idsWhere(v, t -> t == TokenType.NORMAL);
        if (normal.length > 0) return normal;
        int[] visible = idsWhere(v, t -> t != TokenType.CONTROL && t != TokenType.UNUSED && t != TokenType.UNKNOWN);
        if (visible.length == 0) throw new IllegalArgumentException(v.source() + ": the vocabulary has no ordinary tokens");
        return visible;
    }

    private static int[] idsWhere(Vocabulary v, java.util.function.Predicate<TokenType> keep) {
        int n = 0;
        int[] ids = new int[v.size()];
        for (int id = 0; id < v.size(); id++) {
            if (keep.test(v.type(id))) ids[n++] = id;
        }
        return java.util.Arrays.copyOf(ids, n);
    }
}
