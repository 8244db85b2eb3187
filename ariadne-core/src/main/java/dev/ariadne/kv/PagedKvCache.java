package dev.ariadne.kv;

import java.lang.foreign.MemorySegment;

/**
 * One sequence's view of the paged cache: its positions mapped through its block table onto {@link PagedKvStorage}.
 * The runner keeps one view per batch slot and re-points it each step ({@link #bind}), so nothing is allocated per
 * step; attention reads rows in place through {@link #rowOffset}.
 */
public final class PagedKvCache implements KvCache {
    private final PagedKvStorage storage;
    private final int blockShift, slotMask;
    private int[] blockIds = new int[0];
    private int numBlocks;

    public PagedKvCache(PagedKvStorage storage) {
        this.storage = storage;
        int bs = storage.blockSize();
        if (Integer.bitCount(bs) != 1) {
            throw new IllegalArgumentException("--block-size must be a power of two, found " + bs);
        }
        this.blockShift = Integer.numberOfTrailingZeros(bs);
        this.slotMask = bs - 1;
    }

    /** Points this view at a block table: {@code ids[0 .. count)} (the array is read, not copied). */
    public PagedKvCache bind(int[] ids, int count) {
        this.blockIds = ids;
        this.numBlocks = count;
        return this;
    }

    public PagedKvCache bind(BlockTable table) {
        return bind(table.ids(), table.size());
    }

    @Override
    public int numLayers() {
        return storage.numLayers();
    }

    @Override
    public int kvHeads() {
        return storage.kvHeads();
    }

    @Override
    public int headDim() {
        return storage.headDim();
    }

    @Override
    public int capacity() {
        return numBlocks << blockShift;
    }

    @Override
    public KvRows rows() {
        return storage.rows();
    }

    @Override
    public void store(int layer, int position, float[] k, int kOff, float[] v, int vOff) {
        if (position < 0 || position >= capacity()) {
            throw new IllegalArgumentException("position " + position + " is outside the " + numBlocks
                    + " blocks allocated to this sequence");
        }
        KvRows rows = storage.rows();
        int hd = storage.headDim();
        MemorySegment ks = storage.keys(layer), vs = storage.values(layer);
        for (int h = 0; h < storage.kvHeads(); h++) {
            long off = rowOffset(position, h);
            rows.store(ks, off, k, kOff + h * hd, hd);
            if (!storage.sharesValues()) rows.store(vs, off, v, vOff + h * hd, hd);
        }
    }

    @Override
    public MemorySegment keys(int layer) {
        return storage.keys(layer);
    }

    @Override
    public MemorySegment values(int layer) {
        return storage.values(layer);
    }

    @Override
    public long rowOffset(int position, int kvHead) {
        return storage.rowOffset(blockIds[position >>> blockShift], kvHead, position & slotMask);
    }
}
