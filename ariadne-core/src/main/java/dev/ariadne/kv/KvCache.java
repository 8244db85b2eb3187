package dev.ariadne.kv;

import java.lang.foreign.MemorySegment;

/**
 * Keys and values of the tokens a sequence has seen, per layer, as attention reads them. A position is a token's
 * index in its sequence; where its row lives is the implementation's business: a contiguous buffer, or a slot of a
 * block in a paged pool found through the sequence's block table. Attention reads rows in place: it asks for the
 * layer's key (value) segment and the byte offset of one (position, kvHead) row of {@code headDim} values, stored in
 * the element type of {@link #rows()}.
 */
public interface KvCache {
    int numLayers();

    int kvHeads();

    int headDim();

    /** How many positions this cache can hold. */
    int capacity();

    /** Reads and writes rows in the cache's element type. */
    KvRows rows();

    /** Stores the keys and values of the token at {@code position} of {@code layer} ({@code kvHeads * headDim} each). */
    void store(int layer, int position, float[] k, int kOff, float[] v, int vOff);

    /** The segment holding {@code layer}'s keys. */
    MemorySegment keys(int layer);

    /** The segment holding {@code layer}'s values. */
    MemorySegment values(int layer);

    /** Byte offset of the row of ({@code position}, {@code kvHead}) in {@link #keys} and {@link #values}. */
    long rowOffset(int position, int kvHead);
}
