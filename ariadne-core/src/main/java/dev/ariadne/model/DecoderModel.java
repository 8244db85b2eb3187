package dev.ariadne.model;

import dev.ariadne.config.DcaConfig;
import dev.ariadne.config.ModelConfig;
import dev.ariadne.kv.KvCache;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.tensor.Linear;
import dev.ariadne.tensor.ops.ComputePool;
import dev.ariadne.tensor.ops.ElementOps;
import dev.ariadne.tensor.ops.MatMul;
import dev.ariadne.tensor.ops.ScalarMath;
import dev.ariadne.tensor.ops.VectorMath;

/**
 * The forward pass of a llama-family decoder (llama, qwen2, qwen3, qwen3moe; deepseek2 with {@link MlaAttention})
 * over a batch of tokens of one or more sequences:
 * embedding, then per layer RMSNorm, q/k/v projections (+ qwen2 biases, + qwen3 per-head q/k RMSNorm), RoPE, causal
 * attention over the KV cache, output projection, residual, RMSNorm, SwiGLU MLP, residual; final RMSNorm and the
 * output projection. Linear layers run as matrix-matrix products over all tokens of the step, whatever sequence
 * they belong to; attention is the only per-sequence part: each token reads its own sequence's KV cache.
 */
public final class DecoderModel {
    private final ModelConfig c;
    private final DcaConfig dca; // null: plain attention
    private final ModelWeights w;
    private final ComputePool pool;
    private final ElementOps ops;
    private final MatMul matmul;
    private final Workspace ws;
    private final RotaryEmbedding rope;          // the model's rope scaling
    private final RotaryEmbedding ropeUnscaled;  // the same rope without it: per-request YaRN's short requests
    private final AttentionTask attention; // grouped-query attention, or null with latent attention (its own tasks)
    private final int maxContext;
    private final MatMul.Group[] qkv;     // per layer: wq, wk, wv -> q, k, v
    // per layer: wGate, wUp -> gate, up; in a MoE layer its shared experts' (or null)
    private final MatMul.Group[] gateUp;
    private final MoeBlock moe;           // the mixture-of-experts MLP, or null for a dense model
    private final MlaAttention mla;       // latent attention (deepseek2), or null
    private final ForwardBatch single;    // the one-sequence batch of the convenience forward

    /**
     * @param maxTokens  most tokens one {@link #forward} call may take (prompt chunk size)
     * @param maxContext most positions a sequence may reach
     */
    public DecoderModel(ModelWeights weights, ComputePool pool, KernelProvider kernels, int maxTokens,
                        int maxContext) {
        this(weights, pool, kernels, maxTokens, maxContext, false);
    }

    /**
     * @param mlaAbsorbPrefill latent attention: prefill attends through the cached latent rows as decode does
     *                         (ktransformers' absorb_for_prefill) instead of decompressing per-head keys and values
     */
    public DecoderModel(ModelWeights weights, ComputePool pool, KernelProvider kernels, int maxTokens,
                        int maxContext, boolean mlaAbsorbPrefill) {
        this.c = weights.config();
        this.dca = c.dualChunk();
        this.w = weights;
        this.pool = pool;
        this.maxContext = maxContext;
        this.ops = kernels.vectorized() ? VectorMath.INSTANCE : ScalarMath.INSTANCE;
        int maxCols = Math.max(Math.max(c.hiddenSize(), c.qDim()), c.intermediateSize());
        if (c.mla() != null) {
            maxCols = Math.max(maxCols, Math.max(c.mla().latentWidth(), c.mla().qLoraRank()));
            maxCols = Math.max(maxCols, c.numHeads() * c.mla().vHeadDim());
        }
        this.matmul = new MatMul(pool, maxCols, kernels.vectorized());
        this.ws = new Workspace(c, maxTokens, pool.threads());
        this.rope = new RotaryEmbedding(c.ropeDim(), c.ropeTheta(), c.ropeStyle(), c.ropeScaling(), c.contextLength());
        this.ropeUnscaled = c.ropeScaling().isNone() ? rope : new RotaryEmbedding(c.ropeDim(), c.ropeTheta(),
                c.ropeStyle());
        this.attention = c.mla() == null ? new AttentionTask(c, ws, ops, pool.threads()) : null;
        this.qkv = new MatMul.Group[c.numLayers()];
        this.gateUp = new MatMul.Group[c.numLayers()];
        this.single = new ForwardBatch(maxTokens, 1);
        for (int l = 0; l < c.numLayers(); l++) {
            LayerWeights lw = w.layers()[l];
            if (lw.mla() == null) {
                qkv[l] = new MatMul.Group(new Linear[] {lw.wq(), lw.wk(), lw.wv()}, new float[][] {ws.q, ws.k, ws.v});
            }
            if (lw.moe() == null) {
                gateUp[l] = new MatMul.Group(new Linear[] {lw.wGate(), lw.wUp()}, new float[][] {ws.gate, ws.up});
            } else if (lw.moe().sharedGate() != null) {
                gateUp[l] = new MatMul.Group(new Linear[] {lw.moe().sharedGate(), lw.moe().sharedUp()},
                        new float[][] {ws.gate, ws.up});
            }
        }
        this.moe = c.moe() == null ? null : new MoeBlock(c.moe(), c.hiddenSize(),
                java.util.Arrays.stream(w.layers()).map(LayerWeights::moe).toArray(MoeWeights[]::new), matmul, ops,
                maxTokens);
        this.mla = c.mla() == null ? null : new MlaAttention(c, w.layers(), pool, ops, matmul, rope, ws, kernels,
                maxTokens, maxContext, mlaAbsorbPrefill);
    }

    public ModelConfig config() {
        return c;
    }

    public ModelWeights weights() {
        return w;
    }

    public int maxTokens() {
        return ws.maxTokens;
    }

    /** Bytes of the activation buffers this model preallocated (the activation peak of a step). */
    public long workspaceBytes() {
        return ws.bytes() + matmul.bytes() + (attention != null ? attention.bytes() : 0)
                + (moe != null ? moe.bytes() : 0) + (mla != null ? mla.bytes() + mla.decompressedBytes() : 0);
    }

    /**
     * Bytes within {@link #workspaceBytes()} that latent attention's decompressed prefill takes (a float cache of
     * per-head keys and values for one sequence's whole context, and kB transposed); 0 when absorbed or not MLA.
     */
    public long mlaDecompressedBytes() {
        return mla != null ? mla.decompressedBytes() : 0;
    }

    /** Bytes of the Dual Chunk Attention buffers within {@link #workspaceBytes()}; 0 without DCA. */
    public long dualChunkBytes() {
        return ws.dualChunkBytes();
    }

    /**
     * Runs {@code count} tokens of one sequence at positions {@code startPos ..} through the model, storing their
     * keys and values in {@code kv}.
     *
     * @param logits    {@code [count, vocab]} when {@code allLogits}, else {@code [vocab]} for the last token
     */
    public void forward(int[] tokens, int offset, int count, int startPos, KvCache kv, float[] logits,
                        boolean allLogits) {
        forward(tokens, offset, count, startPos, kv, logits, allLogits, startPos + count);
    }

    /**
     * As above, for a chunk of a sequence of {@code sequenceLength} tokens (what length-dependent scales see:
     * Dual Chunk Attention scales every key of a prompt by the prompt's length).
     */
    public void forward(int[] tokens, int offset, int count, int startPos, KvCache kv, float[] logits,
                        boolean allLogits, int sequenceLength) {
        forward(tokens, offset, count, startPos, kv, logits, allLogits, sequenceLength, false);
    }

    /** As above; {@code ropeUnscaled} rotates with the plain rope instead of the model's scaling. */
    public void forward(int[] tokens, int offset, int count, int startPos, KvCache kv, float[] logits,
                        boolean allLogits, int sequenceLength, boolean ropeUnscaled) {
        if (count < 1 || count > ws.maxTokens) {
            throw new IllegalArgumentException("a step takes 1 to " + ws.maxTokens + " tokens, got " + count);
        }
        single.clear();
        int s = single.addSequence(kv, tokens, offset, count, startPos, !allLogits);
        single.setSequenceLength(s, Math.max(sequenceLength, startPos + count));
        single.setRopeUnscaled(s, ropeUnscaled);
        if (allLogits) single.requestAllLogits();
        forward(single, logits);
        single.clear();
    }

    /**
     * Runs one step over the batch's tokens, storing their keys and values in their sequences' caches, and writes
     * the requested logits rows: {@code logits[r * vocab ..]} for row r of the batch's logit rows.
     */
    public void forward(ForwardBatch b, float[] logits) {
        int count = b.numTokens;
        if (count < 1 || count > ws.maxTokens) {
            throw new IllegalArgumentException("a step takes 1 to " + ws.maxTokens + " tokens, got " + count);
        }
        long attentionWork = 0;
        for (int t = 0; t < count; t++) {
            int pos = b.positions[t];
            KvCache kv = b.seqKv[b.tokenSeq[t]];
            if (pos < 0 || pos >= Math.min(maxContext, kv.capacity())) {
                throw new IllegalArgumentException("position " + pos + " exceeds the context of "
                        + Math.min(maxContext, kv.capacity()) + " tokens");
            }
            attentionWork += pos + 1;
        }
        int h = c.hiddenSize();
        embed(b.tokenIds, 0, count);
        if (attention != null) attention.plan(b);
        int pairs = rope.pairs();
        for (int t = 0; t < count; t++) {
            int p = b.positions[t];
            // Only the angles differ between the two ropes; rotate() is the same for both.
            RotaryEmbedding r = b.seqRopeUnscaled[b.tokenSeq[t]] ? ropeUnscaled : rope;
            if (dca == null) {
                r.angles(p, ws.cos, ws.sin, t * pairs);
                continue;
            }
            // DCA: keys and intra-chunk queries at p mod chunkLen; successive and inter queries at their own.
            int inChunk = p % dca.chunkLen();
            r.angles(inChunk, ws.cos, ws.sin, t * pairs);
            r.angles(Math.min(inChunk + dca.chunkLen(), dca.chunkSize()), ws.cosDca, ws.sinDca, t * pairs);
            r.angles(interPosition(), ws.cosDca, ws.sinDca, (ws.maxTokens + t) * pairs);
        }
        for (int l = 0; l < c.numLayers(); l++) {
            attentionBlock(l, w.layers()[l], b, attentionWork);
            mlpBlock(l, w.layers()[l], count);
        }
        int rows = b.numLogits;
        if (rows == 0) return;
        for (int r = 0; r < rows; r++) {
            ops.rmsNorm(ws.xb, r * h, ws.x, b.logitRows[r] * h, w.outputNorm(), h, c.rmsNormEps());
        }
        matmul.apply(w.output(), ws.xb, h, rows, logits, c.vocabSize(), 0);
    }

    /**
     * DCA: where queries for chunks before the previous one are rotated, the same for every query: vLLM's
     * {@code cos_sin_qc_cache[chunk_len - 1]}, the successive position of a chunk's last query,
     * {@code min(2 chunk_len - 1, chunk_size)}. Keys sit at {@code j mod chunk_len}, so every inter distance lies in
     * {@code [P - chunk_len + 1, P]} for that position P <= chunk_size: within what the model was trained on.
     */
    private int interPosition() {
        return Math.min(2 * dca.chunkLen() - 1, dca.chunkSize());
    }

    private void embed(int[] tokens, int offset, int count) {
        int h = c.hiddenSize();
        var emb = w.tokenEmbedding();
        for (int t = 0; t < count; t++) {
            int id = tokens[offset + t];
            if (id < 0 || id >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of "
                        + c.vocabSize());
            }
            emb.kernel().dequantize(emb.data(), emb.rowOffset(id), ws.x, t * h, h);
        }
    }

    private void attentionBlock(int layer, LayerWeights lw, ForwardBatch b, long attentionWork) {
        int count = b.numTokens;
        int h = c.hiddenSize();
        if (mla != null) {
            for (int t = 0; t < count; t++) {
                ops.rmsNorm(ws.xb, t * h, ws.x, t * h, lw.attnNorm(), h, c.rmsNormEps());
            }
            mla.apply(layer, lw, b, ws.xb, ws.q, ws.cos, ws.sin);
            matmul.apply(lw.wo(), mla.output(), lw.wo().cols(), count, ws.xb, h, 0);
            ops.add(ws.x, 0, ws.xb, 0, count * h);
            return;
        }
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        int hd = c.headDim();
        for (int t = 0; t < count; t++) {
            ops.rmsNorm(ws.xb, t * h, ws.x, t * h, lw.attnNorm(), h, c.rmsNormEps());
        }
        matmul.apply(qkv[layer], ws.xb, h, count);
        int pairs = rope.pairs();
        for (int t = 0; t < count; t++) {
            if (lw.bq() != null) {
                ops.add(ws.q, t * qDim, lw.bq(), 0, qDim);
                ops.add(ws.k, t * kvDim, lw.bk(), 0, kvDim);
                ops.add(ws.v, t * kvDim, lw.bv(), 0, kvDim);
            }
            if (lw.qNorm() != null) {
                for (int i = 0; i < c.numHeads(); i++) {
                    int o = t * qDim + i * hd;
                    ops.rmsNorm(ws.q, o, ws.q, o, lw.qNorm(), hd, c.rmsNormEps());
                }
                for (int i = 0; i < c.numKvHeads(); i++) {
                    int o = t * kvDim + i * hd;
                    ops.rmsNorm(ws.k, o, ws.k, o, lw.kNorm(), hd, c.rmsNormEps());
                }
            }
            if (dca != null) {
                System.arraycopy(ws.q, t * qDim, ws.qSuccessive, t * qDim, qDim);
                System.arraycopy(ws.q, t * qDim, ws.qInter, t * qDim, qDim);
                rope.rotate(ws.qSuccessive, t * qDim, c.numHeads(), ws.cosDca, ws.sinDca, t * pairs);
                rope.rotate(ws.qInter, t * qDim, c.numHeads(), ws.cosDca, ws.sinDca, (ws.maxTokens + t) * pairs);
            }
            rope.rotate(ws.q, t * qDim, c.numHeads(), ws.cos, ws.sin, t * pairs);
            rope.rotate(ws.k, t * kvDim, c.numKvHeads(), ws.cos, ws.sin, t * pairs);
            // vLLM scales the keys before caching and the softmax scale as well (queries, in decode), so each
            // score carries the square of the length factor.
            float lengthScale = dca == null ? 1f : dca.lengthScale(b.seqLength[b.tokenSeq[t]]);
            if (lengthScale != 1f) {
                ops.scale(ws.k, t * kvDim, kvDim, lengthScale);
                ops.scale(ws.q, t * qDim, qDim, lengthScale);
                ops.scale(ws.qSuccessive, t * qDim, qDim, lengthScale);
                ops.scale(ws.qInter, t * qDim, qDim, lengthScale);
            }
            b.seqKv[b.tokenSeq[t]].store(layer, b.positions[t], ws.k, t * kvDim, ws.v, t * kvDim);
        }
        attention.layer = layer;
        attention.batch = b;
        pool.parallelFor(attention.items(), attention, attention.work(attentionWork));
        attention.batch = null;
        // Output projection into xb (free now), then the residual add.
        matmul.apply(lw.wo(), ws.att, qDim, count, ws.xb, h, 0);
        ops.add(ws.x, 0, ws.xb, 0, count * h);
    }

    private void mlpBlock(int layer, LayerWeights lw, int count) {
        int h = c.hiddenSize();
        int f = c.intermediateSize();
        for (int t = 0; t < count; t++) {
            ops.rmsNorm(ws.xb, t * h, ws.x, t * h, lw.ffnNorm(), h, c.rmsNormEps());
        }
        if (lw.moe() != null) {
            moe.apply(layer, ws.xb, ws.x, count); // reads xb, adds into x
            if (gateUp[layer] == null) return;
            // The shared experts (DeepSeek): one SwiGLU FFN every token runs, added with weight 1.
            f = c.moe().sharedIntermediate();
            matmul.apply(gateUp[layer], ws.xb, h, count);
            ops.swiGlu(ws.gate, 0, ws.up, 0, count * f);
            matmul.apply(lw.moe().sharedDown(), ws.gate, f, count, ws.xb, h, 0);
            ops.add(ws.x, 0, ws.xb, 0, count * h);
            return;
        }
        matmul.apply(gateUp[layer], ws.xb, h, count);
        ops.swiGlu(ws.gate, 0, ws.up, 0, count * f);
        matmul.apply(lw.wDown(), ws.gate, f, count, ws.xb, h, 0);
        ops.add(ws.x, 0, ws.xb, 0, count * h);
    }
}
