package dev.ariadne.model;

import dev.ariadne.config.MlaConfig;
import dev.ariadne.config.ModelConfig;
import dev.ariadne.kv.ContiguousKvCache;
import dev.ariadne.kv.KvCache;
import dev.ariadne.kv.KvCacheDType;
import dev.ariadne.kv.KvRows;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.tensor.GGMLType;
import dev.ariadne.tensor.Linear;
import dev.ariadne.tensor.ops.ComputePool;
import dev.ariadne.tensor.ops.ElementOps;
import dev.ariadne.tensor.ops.MatMul;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Multi-head latent attention (DeepSeek-V2/V3) for the tokens of one step; H heads, R = kv_lora_rank,
 * N = qk_nope_head_dim, P = qk_rope_head_dim, V = v_head_dim (shapes per token).
 *
 * <pre>
 * q [H, N + P]     = wq xb (or qB rmsNorm(qA xb)); q_pe (the last P of each head) rotated
 * [c_kv | k_pe]    = kvA xb  [R + P]; c_kv RMS-normed, k_pe rotated; the row cached per token (one per layer)
 *
 * absorbed (decode; prefill with --mla-absorb-prefill): an MQA over the latent rows
 *   qa_h    = [kB_h q_nope_h (R) | q_pe_h (P)]
 *   s_hj    = scale * qa_h . [c_kv_j | k_pe_j]            (= q_h . k_hj of the decompressed form)
 *   o_lat_h = sum_j softmax(s_h)_j c_kv_j    [R]  (the first R values of the same cached rows)
 *   o_h     = vB_h o_lat_h                   [V]
 *
 * decompressed (prefill, the default): per sequence, every position of its context decompressed once per layer
 *   k_hj    = [kBT_h c_kv_j (N) | k_pe_j (P)],  v_hj = vB_h c_kv_j (V)     into a float cache [H][context][N + P]
 *   o_h     = softmax(scale * q_h . k_h) v_h                              (plain multi-head attention)
 * </pre>
 *
 * scale = mscale(s, mscale_all_dim)^2 / sqrt(N + P) (YaRN's DeepSeek factor, 1 without YaRN). Both forms compute
 * the same scores and outputs; the absorbed one reads R + P values per position and head, the decompressed one
 * N + P + V after paying R (N + V) per position to decompress: cheaper for many queries per position (prefill),
 * at the cost of the decompressed cache's memory ({@link #decompressedBytes}). kBT, the transpose of kB needed to
 * decompress keys, is built once in F32 (llama.cpp's layout stores only kB).
 */
final class MlaAttention {
    private final ModelConfig c;
    private final MlaConfig m;
    private final ComputePool pool;
    private final ElementOps ops;
    private final MatMul matmul;
    private final RotaryEmbedding rope;
    private final boolean absorbPrefill;
    private final int maxTokens;

    private final float[] kvA;      // [maxTokens, R + P] latent rows of the step's tokens
    private final float[] qLow;     // [maxTokens, Q] q_lora: the low-rank query ([0] without)
    private final float[] qa;       // [maxTokens, H, R + P] absorbed queries
    private final float[] attLatent; // [maxTokens, H, R] absorbed outputs in latent space
    private final float[] attOut;   // [maxTokens, H, V]
    private final AttentionTask absorbed;
    private final boolean[] seqAbsorbed; // [maxTokens] per sequence of the step: attends through the latent rows

    // Decompressed prefill (null when every step is absorbed).
    private final Linear[][] kBT;   // [layer][head] [N, R] F32
    private final Arena derived;
    private final ContiguousKvCache decompressed; // one layer, H heads of N + P values, maxContext positions
    private final AttentionTask expanded;
    private final float[] latentTile; // [KEY_TILE, R + P] widened cached rows
    private final float[] keyTile;    // [KEY_TILE, H, N + P]
    private final float[] valueTile;  // [KEY_TILE, H, N + P] (the first V of each head used)
    private final boolean[] seqSingle; // [maxTokens] selects one sequence for the decompressed task

    MlaAttention(ModelConfig c, LayerWeights[] layers, ComputePool pool, ElementOps ops, MatMul matmul,
                 RotaryEmbedding rope, Workspace ws, KernelProvider kernels, int maxTokens, int maxContext,
                 boolean absorbPrefill) {
        this.c = c;
        this.m = c.mla();
        this.pool = pool;
        this.ops = ops;
        this.matmul = matmul;
        this.rope = rope;
        this.absorbPrefill = absorbPrefill;
        this.maxTokens = maxTokens;
        int heads = c.numHeads(), r = m.kvLoraRank(), w = m.latentWidth(), qk = m.qkHeadDim();
        float scale = (float) (c.ropeScaling().yarnScoreFactor() / Math.sqrt(qk));
        kvA = new float[maxTokens * w];
        qLow = new float[maxTokens * m.qLoraRank()];
        qa = new float[maxTokens * heads * w];
        attLatent = new float[maxTokens * heads * r];
        attOut = new float[maxTokens * heads * m.vHeadDim()];
        int perItem = headsPerItem(heads, pool.threads());
        absorbed = new AttentionTask(new AttentionGeometry(1, heads, heads / perItem, w, r, heads * w, heads * r,
                scale), null, ws, ops, pool.threads());
        absorbed.query = qa;
        absorbed.out = attLatent;
        seqAbsorbed = new boolean[maxTokens];
        seqSingle = new boolean[maxTokens];
        if (absorbPrefill) {
            kBT = null;
            derived = null;
            decompressed = null;
            expanded = null;
            latentTile = keyTile = valueTile = new float[0];
            return;
        }
        derived = Arena.ofAuto(); // freed with the model, which has no close
        kBT = new Linear[layers.length][];
        for (int l = 0; l < layers.length; l++) {
            kBT[l] = new Linear[heads];
            for (int h = 0; h < heads; h++) kBT[l][h] = transposed(layers[l].mla().kB()[h], kernels);
        }
        decompressed = ContiguousKvCache.collected(1, heads, qk, maxContext, new KvRows(KvCacheDType.FP32, kernels));
        expanded = new AttentionTask(new AttentionGeometry(heads, 1, 1, qk, m.vHeadDim(), c.qDim(),
                heads * m.vHeadDim(), scale), null, ws, ops, pool.threads());
        expanded.query = ws.q;
        expanded.out = attOut;
        latentTile = new float[AttentionTask.KEY_TILE * w];
        keyTile = new float[AttentionTask.KEY_TILE * heads * qk];
        valueTile = new float[AttentionTask.KEY_TILE * heads * qk];
    }

    /** The largest divisor of {@code heads} within the kernels' group limit that leaves every thread an item. */
    private static int headsPerItem(int heads, int threads) {
        int want = Math.max(1, Math.min(16, Math.ceilDiv(heads, threads)));
        for (int g = want; g > 1; g--) {
            if (heads % g == 0) return g;
        }
        return 1;
    }

    /** {@code w^T} as an F32 matrix: [cols, rows] of w's [rows, cols], off-heap. */
    private Linear transposed(Linear w, KernelProvider kernels) {
        float[] row = new float[w.cols()];
        MemorySegment t = derived.allocate(4L * w.rows() * w.cols(), 64);
        for (int i = 0; i < w.rows(); i++) {
            w.kernel().dequantize(w.data(), w.rowOffset(i), row, 0, w.cols());
            for (int j = 0; j < w.cols(); j++) t.setAtIndex(ValueLayout.JAVA_FLOAT, (long) j * w.rows() + i, row[j]);
        }
        return new Linear(w.name() + "^T", GGMLType.F32, kernels.kernel(GGMLType.F32), t, w.cols(), w.rows(),
                4L * w.rows());
    }

    /** Bytes of the step buffers and the attention scratch (the decompressed cache not included). */
    long bytes() {
        long floats = (long) kvA.length + qLow.length + qa.length + attLatent.length
                + attOut.length + latentTile.length + keyTile.length + valueTile.length;
        return 4 * floats + absorbed.bytes() + (expanded != null ? expanded.bytes() : 0) + 2L * seqAbsorbed.length;
    }

    /** Bytes of decompressed prefill: the float cache of one sequence's context and the F32 kBT; 0 when absorbed. */
    long decompressedBytes() {
        if (decompressed == null) return 0;
        long kbt = 0;
        for (Linear[] l : kBT) for (Linear w : l) kbt += w.byteSize();
        return 2L * decompressed.kvHeads() * decompressed.capacity() * 4L * decompressed.headDim() + kbt;
    }

    /**
     * Layer {@code layer}'s attention for the batch's tokens: caches their latent rows and writes the output
     * projection's input {@code [count, H * V]} into {@link #output()}.
     *
     * @param xb [count, hidden] the normed inputs
     * @param q  [count, H * (N + P)] workspace for the queries
     */
    void apply(int layer, LayerWeights lw, ForwardBatch b, float[] xb, float[] q, float[] cos, float[] sin) {
        MlaWeights mw = lw.mla();
        int count = b.numTokens;
        int hidden = c.hiddenSize(), heads = c.numHeads();
        int n = m.qkNopeHeadDim(), p = m.qkRopeHeadDim(), r = m.kvLoraRank(), w = m.latentWidth();
        int qk = m.qkHeadDim(), qDim = c.qDim();
        if (mw.qA() == null) {
            matmul.apply(lw.wq(), xb, hidden, count, q, qDim, 0);
        } else {
            int ql = m.qLoraRank();
            matmul.apply(mw.qA(), xb, hidden, count, qLow, ql, 0);
            for (int t = 0; t < count; t++) ops.rmsNorm(qLow, t * ql, qLow, t * ql, mw.qANorm(), ql, c.rmsNormEps());
            matmul.apply(mw.qB(), qLow, ql, count, q, qDim, 0);
        }
        matmul.apply(mw.kvA(), xb, hidden, count, kvA, w, 0);
        int pairs = rope.pairs();
        for (int t = 0; t < count; t++) {
            for (int h = 0; h < heads; h++) rope.rotate(q, t * qDim + h * qk + n, 1, cos, sin, t * pairs);
            ops.rmsNorm(kvA, t * w, kvA, t * w, mw.kvANorm(), r, c.rmsNormEps());
            rope.rotate(kvA, t * w + r, 1, cos, sin, t * pairs);
            b.seqKv[b.tokenSeq[t]].store(layer, b.positions[t], kvA, t * w, kvA, t * w);
        }
        boolean anyAbsorbed = false;
        for (int s = 0; s < b.numSeqs; s++) {
            seqAbsorbed[s] = absorbPrefill || b.seqTokens[s] == 1;
            anyAbsorbed |= seqAbsorbed[s];
        }
        if (anyAbsorbed) attendAbsorbed(layer, mw, b, q);
        if (absorbPrefill) return;
        for (int s = 0; s < b.numSeqs; s++) {
            if (!seqAbsorbed[s]) attendDecompressed(layer, mw, b, s, q);
        }
    }

    /** {@code [count, H * V]}: the output projection's input of the last {@link #apply}. */
    float[] output() {
        return attOut;
    }

    private void attendAbsorbed(int layer, MlaWeights mw, ForwardBatch b, float[] q) {
        int count = b.numTokens, heads = c.numHeads();
        int n = m.qkNopeHeadDim(), p = m.qkRopeHeadDim(), r = m.kvLoraRank(), w = m.latentWidth();
        int qk = m.qkHeadDim(), qDim = c.qDim(), v = m.vHeadDim();
        // qa[t, h, :R] = kB_h q_nope[t, h]; one dispatch for all heads, reading q_nope in place (the first N of each
        // head's N + P query values).
        matmul.applyPerHead(mw.kB(), q, qDim, qk, count, qa, heads * w, w);
        for (int t = 0; t < count; t++) {
            for (int h = 0; h < heads; h++) System.arraycopy(q, t * qDim + h * qk + n, qa, (t * heads + h) * w + r, p);
        }
        absorbed.plan(b, seqAbsorbed);
        absorbed.layer = layer;
        absorbed.batch = b;
        absorbed.kvOverride = null;
        pool.parallelFor(absorbed.items(), absorbed, absorbed.work(attentionPositions(b, seqAbsorbed)));
        absorbed.batch = null;
        matmul.applyPerHead(mw.vB(), attLatent, heads * r, r, count, attOut, heads * v, v);
    }

    /**
     * Sequence {@code s}'s tokens of the step as plain multi-head attention over its whole context decompressed
     * from the cached latent rows (this step's rows included, stored above).
     */
    private void attendDecompressed(int layer, MlaWeights mw, ForwardBatch b, int s, float[] q) {
        int heads = c.numHeads();
        int n = m.qkNopeHeadDim(), p = m.qkRopeHeadDim(), r = m.kvLoraRank(), w = m.latentWidth();
        int qk = m.qkHeadDim(), v = m.vHeadDim();
        KvCache kv = b.seqKv[s];
        KvRows rows = kv.rows();
        MemorySegment seg = kv.keys(layer);
        int context = b.seqStart[s] + b.seqTokens[s];
        if (context > decompressed.capacity()) {
            throw new IllegalArgumentException("position " + (context - 1) + " exceeds the context of "
                    + decompressed.capacity() + " tokens");
        }
        for (int j0 = 0; j0 < context; j0 += AttentionTask.KEY_TILE) {
            int tile = Math.min(AttentionTask.KEY_TILE, context - j0);
            for (int j = 0; j < tile; j++) {
                rows.widen(seg, kv.rowOffset(j0 + j, 0), latentTile, j * w, w);
                rows.rotateBack(latentTile, j * w, w, w); // rows of a rotated type hold H row
            }
            // Every head's k_nope and v from the same latent rows (input stride 0 between heads).
            matmul.applyPerHead(kBT[layer], latentTile, w, 0, tile, keyTile, heads * qk, qk);
            matmul.applyPerHead(mw.vB(), latentTile, w, 0, tile, valueTile, heads * qk, qk);
            for (int j = 0; j < tile; j++) {
                for (int h = 0; h < heads; h++) {
                    System.arraycopy(latentTile, j * w + r, keyTile, (j * heads + h) * qk + n, p);
                }
            }
            for (int j = 0; j < tile; j++) {
                decompressed.store(0, j0 + j, keyTile, j * heads * qk, valueTile, j * heads * qk);
            }
        }
        Arrays.fill(seqSingle, 0, b.numSeqs, false);
        seqSingle[s] = true;
        expanded.plan(b, seqSingle);
        expanded.layer = 0;
        expanded.batch = b;
        expanded.kvOverride = decompressed;
        pool.parallelFor(expanded.items(), expanded, expanded.work(attentionPositions(b, seqSingle)));
        expanded.batch = null;
        expanded.kvOverride = null;
    }

    /** Sum over the selected sequences' tokens of the positions each attends to. */
    private static long attentionPositions(ForwardBatch b, boolean[] selected) {
        long sum = 0;
        for (int t = 0; t < b.numTokens; t++) {
            if (selected[b.tokenSeq[t]]) sum += b.positions[t] + 1;
        }
        return sum;
    }
}
