package dev.ariadne.kv;

import java.util.HashMap;
import java.util.Map;

/**
 * All KV blocks of an engine, with reference counts, the free queue and the prefix cache (hash -> full block), as
 * vLLM's {@code v1/core/block_pool.py}. Pure bookkeeping: the keys and values live in {@link PagedKvStorage} at
 * the block's id.
 *
 * <p>A freed block keeps its hash and stays findable until allocation takes it from the front of the free queue
 * and evicts it; so unreferenced cached blocks are evicted least recently freed first (LRU). Callers free a
 * request's blocks in reverse order, so its tail (the least shareable part) goes first.
 */
public final class BlockPool {
    private final KvBlock[] blocks;
    private final FreeBlockQueue free;
    private final Map<BlockHash, KvBlock> cached = new HashMap<>();
    private long hits, queries;

    public BlockPool(int numBlocks) {
        if (numBlocks < 1) {
            throw new IllegalArgumentException("the KV cache needs at least one block, got " + numBlocks);
        }
        blocks = new KvBlock[numBlocks];
        for (int i = 0; i < numBlocks; i++) blocks[i] = new KvBlock(i);
        free = new FreeBlockQueue(blocks);
    }

    public int numBlocks() {
        return blocks.length;
    }

    public int numFree() {
        return free.size();
    }

    public KvBlock block(int id) {
        return blocks[id];
    }

    /** Takes a free block (evicting its cached contents, if any) with reference count 1. */
    public KvBlock allocate() {
        KvBlock b = free.popFront();
        if (b.hash != null) {
            cached.remove(b.hash, b);
            b.hash = null;
        }
        b.refCount = 1;
        return b;
    }

    /** The cached block holding the KV of {@code hash}, or null. */
    public KvBlock cachedBlock(BlockHash hash) {
        return cached.get(hash);
    }

    /** Takes one more reference to a cached block (a prefix hit); a free one leaves the free queue. */
    public void touch(KvBlock b) {
        if (b.refCount == 0) {
            free.remove(b);
        }
        b.refCount++;
    }

    /** Drops one reference; at zero the block becomes free (but stays cached while its hash is set). */
    public void release(KvBlock b) {
        if (b.refCount <= 0) {
            throw new IllegalStateException(b + " released more often than referenced");
        }
        if (--b.refCount == 0) {
            free.append(b);
        }
    }

    /**
     * Registers a full, computed block under {@code hash}. When another block already holds the same KV (two
     * requests computed the same prefix at once), the first stays the cached one and this block stays private.
     */
    public void cache(KvBlock b, BlockHash hash) {
        if (b.hash != null) return;
        if (cached.putIfAbsent(hash, b) == null) {
            b.hash = hash;
        }
    }

    /** Counts a prefix-cache lookup of {@code blocks} blocks of which {@code hit} were found (for metrics). */
    void recordLookup(int blocks, int hit) {
        queries += blocks;
        hits += hit;
    }

    /** Fraction of looked-up prompt blocks found in the cache since start. */
    public double prefixHitRate() {
        return queries == 0 ? 0 : hits / (double) queries;
    }

    /** Prompt blocks looked up in the prefix cache since start (vLLM's prefix_cache_queries, in blocks). */
    public long prefixQueriedBlocks() {
        return queries;
    }

    /** Of those, the blocks found (vLLM's prefix_cache_hits, in blocks). */
    public long prefixHitBlocks() {
        return hits;
    }

    public int numCached() {
        return cached.size();
    }

    /** Forgets every cached hash of unreferenced blocks (vLLM's reset_prefix_cache). */
    public void resetPrefixCache() {
        for (KvBlock b : blocks) {
            if (b.refCount == 0 && b.hash != null) {
                cached.remove(b.hash, b);
                b.hash = null;
            }
        }
    }

    /** The leak invariant: every block free with reference count 0. */
    public boolean allFree() {
        if (free.size() != blocks.length) return false;
        for (KvBlock b : blocks) {
            if (b.refCount != 0) return false;
        }
        return true;
    }
}
