package dev.ariadne.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The blocks one request holds, in position order: position p lives in block {@code ids[p / blockSize]} at slot
 * {@code p % blockSize}.
 *
 * <pre>
 * positions  0 ..15 | 16 ..31 | 32 ..47 | 48 ..
 * ids        [  7   |   2     |  11     |  ...]      (blockSize 16)
 * </pre>
 */
public final class BlockTable {
    private int[] ids = new int[8];
    private final List<KvBlock> blocks = new ArrayList<>();
    final List<BlockHash> hashes = new ArrayList<>(); // hashes of the first hashes.size() (full) blocks
    int numCachedBlocks;                               // leading blocks already registered in the prefix cache

    void add(KvBlock b) {
        if (blocks.size() == ids.length) ids = Arrays.copyOf(ids, ids.length * 2);
        ids[blocks.size()] = b.id;
        blocks.add(b);
    }

    public int size() {
        return blocks.size();
    }

    public int blockId(int i) {
        return ids[i];
    }

    /** The live id array: entries {@code [0, size())} are valid (read only). */
    public int[] ids() {
        return ids;
    }

    public KvBlock block(int i) {
        return blocks.get(i);
    }

    List<KvBlock> blocks() {
        return blocks;
    }
}
