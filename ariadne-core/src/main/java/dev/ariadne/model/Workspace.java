package dev.ariadne.model;

import dev.ariadne.config.ModelConfig;

/**
 * Every activation buffer of the forward pass, allocated once for up to {@code maxTokens} tokens per step
 * (llama2.c's RunState). Token t's row of a buffer of width W is {@code [t * W, (t + 1) * W)}.
 */
final class Workspace {
    final int maxTokens;
    final float[] x;       // [maxTokens, hidden]        residual stream
    final float[] xb;      // [maxTokens, hidden]        normed input of a sub-layer
    final float[] q;       // [maxTokens, heads * headDim]
    final float[] k;       // [maxTokens, kvHeads * headDim]
    final float[] v;       // [maxTokens, kvHeads * headDim]
    final float[] att;     // [maxTokens, heads * headDim] attention output
    final float[] gate;    // [maxTokens, intermediate] dense MLP ([0] with a mixture of experts: MoeBlock's own)
    final float[] up;      // [maxTokens, intermediate]
    final float[] cos;     // [maxTokens, headDim / 2]
    final float[] sin;     // [maxTokens, headDim / 2]
    final float[] qSuccessive; // [maxTokens, heads * headDim] DCA: queries rotated for the previous chunk ([0] without)
    final float[] qInter;      // [maxTokens, heads * headDim] DCA: queries rotated for chunks before that
    final float[] cosDca;      // [2, maxTokens, headDim / 2] DCA: angles of the successive, then the inter queries
    final float[] sinDca;      // [2, maxTokens, headDim / 2]

    Workspace(ModelConfig c, int maxTokens, int threads) {
        this.maxTokens = maxTokens;
        x = new float[maxTokens * c.hiddenSize()];
        xb = new float[maxTokens * c.hiddenSize()];
        q = new float[maxTokens * c.qDim()];
        k = new float[c.mla() != null ? 0 : maxTokens * c.kvDim()]; // latent attention has its own buffers
        v = new float[c.mla() != null ? 0 : maxTokens * c.kvDim()];
        att = new float[c.mla() != null ? 0 : maxTokens * c.qDim()]; // MlaAttention writes its own output
        // Dense MLP layers, and a MoE model's leading dense layers and shared experts; routed experts use MoeBlock's.
        int ffn = c.moe() == null ? c.intermediateSize() : Math.max(c.moe().sharedIntermediate(),
                c.moe().leadingDenseLayers() > 0 ? c.intermediateSize() : 0);
        gate = new float[maxTokens * ffn];
        up = new float[maxTokens * ffn];
        cos = new float[maxTokens * c.ropeDim() / 2];
        sin = new float[maxTokens * c.ropeDim() / 2];
        boolean dca = c.dualChunk() != null;
        qSuccessive = new float[dca ? maxTokens * c.qDim() : 0];
        qInter = new float[dca ? maxTokens * c.qDim() : 0];
        cosDca = new float[dca ? maxTokens * c.ropeDim() : 0];
        sinDca = new float[dca ? maxTokens * c.ropeDim() : 0];
    }

    /** Bytes of the Dual Chunk Attention buffers (0 without DCA); included in {@link #bytes()}. */
    long dualChunkBytes() {
        return 4L * (qSuccessive.length + qInter.length + cosDca.length + sinDca.length);
    }

    /** Bytes of all buffers. */
    long bytes() {
        long floats = (long) x.length + xb.length + q.length + k.length + v.length + att.length + gate.length
                + up.length + cos.length + sin.length + qSuccessive.length + qInter.length + cosDca.length
                + sinDca.length;
        return 4 * floats;
    }
}
