package dev.ariadne.kv;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-request YaRN: the same tokens hold different keys with and without the rope scaling, so the prefix cache
 * keeps the two kinds apart (the choice is part of the root hash); each kind still finds its own blocks.
 */
class YarnPrefixCacheTest {

    @Test
    void rootsOfTheTwoKindsDifferAndStaticHashesAreUnchanged() {
        assertEquals(BlockHash.root(0), BlockHash.root(0, false), "static mode keeps today's hashes");
        SplittableRandom rnd = new SplittableRandom(20260817);
        for (int i = 0; i < 1000; i++) {
            long s = rnd.nextLong(), t = rnd.nextLong();
            assertNotEquals(BlockHash.root(s, false), BlockHash.root(s, true));
            assertNotEquals(BlockHash.root(s, true), BlockHash.root(t, false));
            assertNotEquals(BlockHash.root(s, false).hi(), BlockHash.root(t, true).hi());
        }
    }

    @Test
    void sameTokensUnderTheTwoModesDoNotShareBlocks() {
        BlockPool pool = new BlockPool(8);
        KvCacheManager m = new KvCacheManager(pool, 4, true, 7);
        int[] prompt = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertTrue(m.allocateSlots(1, 0, 10, CachedPrefix.NONE));
        m.cacheFullBlocks(1, prompt, 10, 0, true);                 // an unscaled request's blocks 0, 1
        assertEquals(0, m.cachedPrefix(prompt, prompt.length, 0, false).numTokens(), "a YaRN request never hits");
        assertEquals(0, m.cachedPrefix(prompt, prompt.length, 0).numTokens(), "nor does the static default");
        assertEquals(8, m.cachedPrefix(prompt, prompt.length, 0, true).numTokens(), "another unscaled one does");

        assertTrue(m.allocateSlots(2, 0, 10, CachedPrefix.NONE));
        m.cacheFullBlocks(2, prompt, 10, 0, false);                // the same tokens with YaRN: own blocks
        CachedPrefix scaled = m.cachedPrefix(prompt, prompt.length, 0, false);
        CachedPrefix unscaled = m.cachedPrefix(prompt, prompt.length, 0, true);
        assertEquals(8, scaled.numTokens());
        assertEquals(m.table(2).block(0), scaled.blocks().get(0));
        assertEquals(m.table(1).block(0), unscaled.blocks().get(0));
        assertNotEquals(scaled.blocks().get(0), unscaled.blocks().get(0));
        m.free(1);
        m.free(2);
        assertTrue(pool.allFree());
    }
}
