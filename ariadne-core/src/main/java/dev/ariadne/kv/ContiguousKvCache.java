package dev.ariadne.kv;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The KV cache of one sequence, off-heap: per layer a K and a V buffer of {@code [kvHeads][capacity][headDim]}
 * values in the cache's element type. Head-major, so that attention, which walks one KV head's positions in order,
 * streams contiguous memory: with position-major rows each head's next row sits a page away and the hardware
 * prefetcher stops at every 4 KiB boundary (measured: 12 GB/s vs the ~20+ a core can stream). The paged pool of the
 * serving engine implements the same {@link KvCache} through block tables.
 */
public final class ContiguousKvCache implements KvCache, AutoCloseable {
    private final int layers, kvHeads, headDim, capacity;
    private final KvRows rows;
    private final boolean sharesValues;   // latent attention: values are read from the key rows
    private final Arena arena;
    private final MemorySegment[] keys;   // [layer] -> [kvHeads][capacity][headDim]
    private final MemorySegment[] values; // [layer] -> [kvHeads][capacity][headDim]
    private final long rowBytes;          // one head's row

    public ContiguousKvCache(int layers, int kvHeads, int headDim, int capacity, KvRows rows) {
        this(layers, kvHeads, headDim, capacity, rows, Arena.ofShared(), false);
    }

    /**
     * The cache of a model's attention, as {@link PagedKvStorage#forModel}: one latent row per token with latent
     * attention, whose values are read from the key rows (no V segments), else K and V rows per KV head.
     */
    public static ContiguousKvCache forModel(dev.ariadne.config.ModelConfig c, int capacity, KvRows rows) {
        return new ContiguousKvCache(c.numLayers(), c.cacheHeads(), c.cacheWidth(), capacity, rows, Arena.ofShared(),
                c.cacheSharesValues());
    }

    /**
     * A cache whose memory the garbage collector frees with it (a buffer owned by a model, which has no close);
     * {@link #close} is then a no-op.
     */
    public static ContiguousKvCache collected(int layers, int kvHeads, int headDim, int capacity, KvRows rows) {
        return new ContiguousKvCache(layers, kvHeads, headDim, capacity, rows, Arena.ofAuto(), false);
    }

    private ContiguousKvCache(int layers, int kvHeads, int headDim, int capacity, KvRows rows, Arena arena,
                              boolean sharesValues) {
        this.arena = arena;
        this.sharesValues = sharesValues;
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.capacity = capacity;
        this.rows = rows;
        this.rowBytes = rows.dtype().vectorBytes(headDim);
        long layerBytes = rowBytes * kvHeads * capacity;
        keys = new MemorySegment[layers];
        values = new MemorySegment[layers];
        for (int l = 0; l < layers; l++) {
            keys[l] = arena.allocate(layerBytes, 64);
            values[l] = sharesValues ? keys[l] : arena.allocate(layerBytes, 64);
        }
    }

    @Override
    public long rowOffset(int position, int kvHead) {
        return ((long) kvHead * capacity + position) * rowBytes;
    }

    @Override
    public KvRows rows() {
        return rows;
    }

    @Override
    public MemorySegment keys(int layer) {
        return keys[layer];
    }

    @Override
    public MemorySegment values(int layer) {
        return values[layer];
    }

    @Override
    public int numLayers() {
        return layers;
    }

    @Override
    public int kvHeads() {
        return kvHeads;
    }

    @Override
    public int headDim() {
        return headDim;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void store(int layer, int position, float[] k, int kOff, float[] v, int vOff) {
        if (position < 0 || position >= capacity) {
            throw new IllegalArgumentException("position " + position + " is outside the KV cache of " + capacity
                    + " tokens");
        }
        for (int h = 0; h < kvHeads; h++) {
            long off = rowOffset(position, h);
            rows.store(keys[layer], off, k, kOff + h * headDim, headDim);
            if (!sharesValues) rows.store(values[layer], off, v, vOff + h * headDim, headDim);
        }
    }

    @Override
    public void close() {
        try {
            arena.close();
        } catch (UnsupportedOperationException collected) {
            // Arena.ofAuto() cannot be closed: the collector frees it when the cache is unreachable
        }
    }
}
