package dev.ariadne.model;

import dev.ariadne.config.ModelConfig;

/**
 * What {@link AttentionTask} attends with: {@code kvHeads} cached rows per position, each shared by
 * {@code headsPerKvHead} query heads, split into {@code splits} work items of {@code headsPerKvHead / splits} heads
 * (more items for threads when there is one cached row, as with latent attention). Query head h of token t is
 * {@code keyWidth} values at {@code q[t * qStride + h * keyWidth]}; its output {@code valueWidth} values at
 * {@code out[t * outStride + h * valueWidth]}; values are the first {@code valueWidth} values of a value row.
 *
 * <pre>
 * grouped-query attention   kvHeads = KV heads, headsPerKvHead = group, keyWidth = valueWidth = head dim
 * latent, absorbed          kvHeads = 1, headsPerKvHead = heads, keyWidth = R + P (scored against [c_kv | k_pe]),
 *                           valueWidth = R (c_kv, the first R values of the same row)
 * latent, decompressed      kvHeads = heads, headsPerKvHead = 1, keyWidth = N + P, valueWidth = V
 * </pre>
 */
record AttentionGeometry(int kvHeads, int headsPerKvHead, int splits, int keyWidth, int valueWidth, int qStride,
                         int outStride, float scale) {

    AttentionGeometry {
        if (splits < 1 || headsPerKvHead % splits != 0) {
            throw new IllegalArgumentException(headsPerKvHead + " heads per KV head do not split in " + splits);
        }
    }

    /** The model's grouped-query attention. */
    static AttentionGeometry of(ModelConfig c) {
        return new AttentionGeometry(c.numKvHeads(), c.groupSize(), 1, c.headDim(), c.headDim(), c.qDim(), c.qDim(),
                (float) (1.0 / Math.sqrt(c.headDim())));
    }

    /** Query heads of one work item. */
    int headsPerItem() {
        return headsPerKvHead / splits;
    }
}
