package dev.ariadne.kv;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The keys and values of every block, off-heap: per layer one K and one V segment of
 * {@code [numBlocks][kvHeads][blockSize][headDim]} values in the cache's element type.
 *
 * <p>Within a block the rows are head-major (vLLM's CPU and CUDA paged-attention layouts also keep a head's rows of
 * a block together): attention walks one KV head's positions in order, and this keeps each (block, head) run of
 * {@code blockSize * headDim} values contiguous (4 KiB for 16 x 128 f16) instead of striding by
 * {@code kvHeads * headDim} per position, which stops the hardware prefetcher at every page (measured on the
 * contiguous cache: 12 GB/s against 20+).
 *
 * <pre>
 * byte offset of (block b, kvHead h, slot s) = ((b * kvHeads + h) * blockSize + s) * rowBytes
 * rowBytes = dtype.vectorBytes(headDim)   (headDim values, plus the row scale of fp8 and int8; see KvCacheDType)
 * </pre>
 *
 * <p>Latent attention (DeepSeek MLA) caches one row per token, {@code [c_kv | k_pe]}, and reads its values from the
 * same rows: a storage that {@code sharesValues} has no V segments ({@link #values} returns the keys).
 */
public final class PagedKvStorage implements AutoCloseable {
    private final int layers, kvHeads, headDim, blockSize, numBlocks;
    private final boolean sharesValues;
    private final KvRows rows;
    private final long rowBytes;     // one head's row of headDim values
    private final long blockBytes;   // one block of one layer's K (or V)
    private final Arena arena = Arena.ofShared();
    private final MemorySegment[] keys;   // [layer] -> [numBlocks][kvHeads][blockSize][headDim]
    private final MemorySegment[] values; // [layer] -> [numBlocks][kvHeads][blockSize][headDim]

    public PagedKvStorage(int layers, int kvHeads, int headDim, int blockSize, int numBlocks, KvRows rows) {
        this(layers, kvHeads, headDim, blockSize, numBlocks, rows, false);
    }

    public PagedKvStorage(int layers, int kvHeads, int headDim, int blockSize, int numBlocks, KvRows rows,
                          boolean sharesValues) {
        this.sharesValues = sharesValues;
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.blockSize = blockSize;
        this.numBlocks = numBlocks;
        this.rows = rows;
        this.rowBytes = rows.dtype().vectorBytes(headDim);
        this.blockBytes = rowBytes * blockSize * kvHeads;
        keys = new MemorySegment[layers];
        values = new MemorySegment[layers];
        for (int l = 0; l < layers; l++) {
            keys[l] = LazyMemory.allocate(arena, blockBytes * numBlocks);
            values[l] = sharesValues ? keys[l] : LazyMemory.allocate(arena, blockBytes * numBlocks);
        }
    }

    /** The cache of a model's attention: one latent row per token with latent attention, else K and V rows. */
    public static PagedKvStorage forModel(dev.ariadne.config.ModelConfig c, int blockSize, int numBlocks,
                                          KvRows rows) {
        return new PagedKvStorage(c.numLayers(), c.cacheHeads(), c.cacheWidth(), blockSize, numBlocks, rows,
                c.cacheSharesValues());
    }

    /** Whether values are read from the key rows (no V segments). */
    public boolean sharesValues() {
        return sharesValues;
    }

    /** KV bytes one block takes over all layers (K and V). */
    public static long bytesPerBlock(int layers, int kvHeads, int headDim, int blockSize, KvCacheDType dtype) {
        return 2L * layers * kvHeads * blockSize * dtype.vectorBytes(headDim);
    }

    /** Bytes one block of this storage takes over all layers. */
    public long blockBytesAllLayers() {
        return (sharesValues ? 1L : 2L) * layers * blockBytes;
    }

    public int numLayers() {
        return layers;
    }

    public int kvHeads() {
        return kvHeads;
    }

    public int headDim() {
        return headDim;
    }

    public int blockSize() {
        return blockSize;
    }

    public int numBlocks() {
        return numBlocks;
    }

    public KvRows rows() {
        return rows;
    }

    public MemorySegment keys(int layer) {
        return keys[layer];
    }

    public MemorySegment values(int layer) {
        return values[layer];
    }

    long rowBytes() {
        return rowBytes;
    }

    /** Bytes of one block of one layer's K (or V). */
    public long layerBlockBytes() {
        return blockBytes;
    }

    /** Byte offset of (block, kvHead, slot) within a layer's segment. */
    public long rowOffset(int block, int kvHead, int slot) {
        return (((long) block * kvHeads + kvHead) * blockSize + slot) * rowBytes;
    }

    /** Total bytes of all layers' keys and values. */
    public long bytes() {
        return blockBytesAllLayers() * numBlocks;
    }

    @Override
    public void close() {
        arena.close();
    }
}
