package dev.ariadne.kv;

/**
 * Keys and values of the tokens a sequence has seen, per layer, as attention reads them. A position is a token's
 * index in its sequence; where its row lives (a contiguous buffer, or a block of a paged pool found through a block
 * table) is the implementation's business. One token's keys (and values) are {@code kvHeads * headDim} floats, head
 * after head.
 */
public interface KvCache {
    int numLayers();

    int kvHeads();

    int headDim();

    /** How many positions this cache can hold. */
    int capacity();

    /** Stores the keys and values of the token at {@code position} of {@code layer}. */
    void store(int layer, int position, float[] k, int kOff, float[] v, int vOff);

    /** {@code q . K[layer][position][kvHead]} over headDim values. */
    float dotKey(int layer, int position, int kvHead, float[] q, int qOff);

    /** {@code out += weight * V[layer][position][kvHead]} over headDim values. */
    void addValue(int layer, int position, int kvHead, float weight, float[] out, int outOff);
}
