package dev.ariadne.kv;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockPoolTest {

    @Test
    void allocatesInOrderAndReusesFreedBlocksLast() {
        BlockPool pool = new BlockPool(4);
        KvBlock a = pool.allocate(), b = pool.allocate();
        assertEquals(0, a.id());
        assertEquals(1, b.id());
        assertEquals(2, pool.numFree());
        pool.release(b);
        pool.release(a);
        // free order is now 2, 3, 1, 0: freed blocks go to the back
        assertEquals(2, pool.allocate().id());
        assertEquals(3, pool.allocate().id());
        assertEquals(1, pool.allocate().id());
        assertEquals(0, pool.allocate().id());
        assertThrows(IllegalStateException.class, pool::allocate);
    }

    @Test
    void cachedFreeBlockIsFoundUntilEvicted() {
        BlockPool pool = new BlockPool(2);
        KvBlock a = pool.allocate();
        BlockHash h = BlockHash.of(BlockHash.root(0), new int[] {1, 2, 3, 4}, 0, 4);
        pool.cache(a, h);
        pool.release(a);
        assertTrue(pool.allFree());
        assertSame(a, pool.cachedBlock(h));
        pool.touch(a);                      // a prefix hit takes it out of the free queue
        assertEquals(1, pool.numFree());
        assertEquals(1, a.refCount());
        pool.release(a);
        pool.allocate();                    // block 1 (front) first: a stays cached
        assertSame(a, pool.cachedBlock(h));
        KvBlock evicted = pool.allocate();  // now a is reused and evicted
        assertSame(a, evicted);
        assertNull(pool.cachedBlock(h));
        assertNull(a.hash());
    }

    @Test
    void sharedBlockIsFreeOnlyAfterTheLastReference() {
        BlockPool pool = new BlockPool(1);
        KvBlock a = pool.allocate();
        pool.touch(a);
        pool.release(a);
        assertFalse(pool.allFree());
        pool.release(a);
        assertTrue(pool.allFree());
        assertThrows(IllegalStateException.class, () -> pool.release(a));
    }

    @Test
    void hashesChainOverEveryEarlierBlock() {
        int[] x = {1, 2, 3, 4, 5, 6, 7, 8};
        int[] y = {9, 2, 3, 4, 5, 6, 7, 8};
        BlockHash root = BlockHash.root(0);
        BlockHash x0 = BlockHash.of(root, x, 0, 4), y0 = BlockHash.of(root, y, 0, 4);
        assertFalse(x0.equals(y0));
        // same second block tokens, different first block: different hash
        assertFalse(BlockHash.of(x0, x, 4, 4).equals(BlockHash.of(y0, y, 4, 4)));
        assertEquals(BlockHash.of(x0, x, 4, 4), BlockHash.of(BlockHash.of(root, x, 0, 4), x, 4, 4));
        assertFalse(BlockHash.root(1).equals(root));
    }

    @Test
    void managerFindsPrefixAllocatesAllOrNothingAndFreesInReverse() {
        BlockPool pool = new BlockPool(6);
        KvCacheManager m = new KvCacheManager(pool, 4, true, 7);
        int[] prompt = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(0, m.cachedPrefix(prompt, prompt.length, 0).numTokens());
        assertTrue(m.allocateSlots(1, 0, 10, CachedPrefix.NONE));  // 3 blocks
        m.cacheFullBlocks(1, prompt, 10, 0);                       // blocks 0, 1 full
        CachedPrefix hit = m.cachedPrefix(prompt, prompt.length, 0);
        assertEquals(8, hit.numTokens());
        assertEquals(List.of(m.table(1).block(0), m.table(1).block(1)), hit.blocks());
        assertEquals(0, m.cachedPrefix(prompt, prompt.length, 99).numTokens(), "another salt never matches");
        assertFalse(m.allocateSlots(2, 8, 20, hit), "needs 7 blocks in all, 2 shared + 3 free");
        assertEquals(3, pool.numFree(), "a failed allocation changes nothing");
        assertTrue(m.allocateSlots(2, 8, 4, hit));                 // shares 2, adds 1
        assertEquals(2, m.table(1).block(0).refCount());
        m.free(1);
        m.free(2);
        assertTrue(pool.allFree());
        // a whole prompt that is cached still leaves its last token to compute
        int[] exact = {1, 2, 3, 4, 5, 6, 7, 8};
        assertEquals(4, m.cachedPrefix(exact, exact.length, 0).numTokens());
    }
}
