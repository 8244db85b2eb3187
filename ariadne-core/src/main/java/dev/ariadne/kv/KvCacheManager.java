package dev.ariadne.kv;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which blocks each request holds, as vLLM's {@code KVCacheManager}: finds cached prefixes, allocates the slots a
 * step needs (all or nothing), registers blocks in the prefix cache once they are full and computed, and frees a
 * request's blocks in reverse order. Requests are named by id; the scheduler owns them.
 */
public final class KvCacheManager {
    private final BlockPool pool;
    private final int blockSize;
    private final boolean prefixCaching;
    private final long modelSalt;
    private final Map<Long, BlockTable> tables = new HashMap<>();

    /**
     * @param modelSalt what besides token ids decides the keys (model identity, rope settings): mixed into
     *                  every block hash so that caches of different settings never match
     */
    public KvCacheManager(BlockPool pool, int blockSize, boolean prefixCaching, long modelSalt) {
        this.pool = pool;
        this.blockSize = blockSize;
        this.prefixCaching = prefixCaching;
        this.modelSalt = modelSalt;
    }

    public BlockPool pool() {
        return pool;
    }

    public int blockSize() {
        return blockSize;
    }

    public boolean prefixCaching() {
        return prefixCaching;
    }

    public int numFreeBlocks() {
        return pool.numFree();
    }

    /** Blocks that {@code tokens} positions take. */
    public int blocksFor(int tokens) {
        return Math.ceilDiv(tokens, blockSize);
    }

    /**
     * The longest cached prefix of {@code tokens[0 .. numTokens)} in whole blocks, leaving at least the last token
     * to compute (its logits are needed).
     */
    public CachedPrefix cachedPrefix(int[] tokens, int numTokens, long requestSalt) {
        return cachedPrefix(tokens, numTokens, requestSalt, false);
    }

    /**
     * As above for a request that runs with ({@code ropeUnscaled} false) or without the model's rope scaling: the
     * two kinds hold different keys for the same tokens and never share blocks.
     */
    public CachedPrefix cachedPrefix(int[] tokens, int numTokens, long requestSalt, boolean ropeUnscaled) {
        if (!prefixCaching) return CachedPrefix.NONE;
        int maxBlocks = (numTokens - 1) / blockSize;
        List<KvBlock> found = new ArrayList<>();
        List<BlockHash> hashes = new ArrayList<>();
        BlockHash parent = BlockHash.root(modelSalt ^ requestSalt, ropeUnscaled);
        for (int i = 0; i < maxBlocks; i++) {
            BlockHash h = BlockHash.of(parent, tokens, i * blockSize, blockSize);
            KvBlock b = pool.cachedBlock(h);
            if (b == null) break;
            found.add(b);
            hashes.add(h);
            parent = h;
        }
        pool.recordLookup(maxBlocks, found.size());
        return found.isEmpty() ? CachedPrefix.NONE : new CachedPrefix(found, hashes, found.size() * blockSize);
    }

    /**
     * Makes room for {@code numNewTokens} more tokens of request {@code id} after {@code numComputedTokens} (which
     * include the prefix's tokens when the request starts with a cache hit). All or nothing: returns false and
     * changes nothing when the free blocks do not suffice.
     */
    public boolean allocateSlots(long id, int numComputedTokens, int numNewTokens, CachedPrefix prefix) {
        BlockTable table = tables.get(id);
        int held = (table == null ? 0 : table.size()) + prefix.blocks().size();
        int needed = blocksFor(numComputedTokens + numNewTokens) - held;
        int freeHits = 0;
        for (KvBlock b : prefix.blocks()) {
            if (b.refCount == 0) freeHits++; // touching it takes it out of the free queue
        }
        if (needed + freeHits > pool.numFree()) {
            return false;
        }
        if (table == null) {
            table = new BlockTable();
            tables.put(id, table);
        }
        for (KvBlock b : prefix.blocks()) {
            pool.touch(b);
            table.add(b);
        }
        if (!prefix.blocks().isEmpty()) {
            table.hashes.addAll(prefix.hashes());
            table.numCachedBlocks = table.size();
        }
        for (int i = 0; i < needed; i++) {
            table.add(pool.allocate());
        }
        return true;
    }

    /** Registers the blocks of {@code id} that are full within its first {@code numComputedTokens} tokens. */
    public void cacheFullBlocks(long id, int[] tokens, int numComputedTokens, long requestSalt) {
        cacheFullBlocks(id, tokens, numComputedTokens, requestSalt, false);
    }

    /** As above for a request that runs with or without the model's rope scaling (see {@link #cachedPrefix}). */
    public void cacheFullBlocks(long id, int[] tokens, int numComputedTokens, long requestSalt,
                                boolean ropeUnscaled) {
        if (!prefixCaching) return;
        BlockTable table = tables.get(id);
        if (table == null) return;
        int full = Math.min(numComputedTokens / blockSize, table.size());
        while (table.hashes.size() < full) {
            int i = table.hashes.size();
            BlockHash parent = i == 0 ? BlockHash.root(modelSalt ^ requestSalt, ropeUnscaled)
                    : table.hashes.get(i - 1);
            table.hashes.add(BlockHash.of(parent, tokens, i * blockSize, blockSize));
        }
        for (int i = table.numCachedBlocks; i < full; i++) {
            pool.cache(table.block(i), table.hashes.get(i));
        }
        table.numCachedBlocks = Math.max(table.numCachedBlocks, full);
    }

    /** The blocks of {@code id}, or null when it holds none. */
    public BlockTable table(long id) {
        return tables.get(id);
    }

    /** Frees every block of {@code id}, last block first. */
    public void free(long id) {
        BlockTable table = tables.remove(id);
        if (table == null) return;
        List<KvBlock> blocks = table.blocks();
        for (int i = blocks.size() - 1; i >= 0; i--) {
            pool.release(blocks.get(i));
        }
    }

    public int numRequests() {
        return tables.size();
    }
}
