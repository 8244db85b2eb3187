package dev.ariadne.model;

import dev.ariadne.config.ModelConfig;
import dev.ariadne.kv.KvCache;
import dev.ariadne.kv.KvRows;
import dev.ariadne.tensor.ops.ElementOps;
import dev.ariadne.tensor.ops.RangeTask;

import java.lang.foreign.MemorySegment;

/**
 * Causal grouped-query attention for the tokens of one step, reading keys and values in place from a
 * {@link KvCache}. Work item i is (kvHead = i / tokens, token t = i % tokens) and covers the {@code group} query heads
 * that share that KV head: each key and value row is widened to floats once and used by all of them. KV-head-major
 * order gives every thread the same mix of short (early) and long (late) causal rows. Token t at position p of
 * its sequence attends to positions {@code 0 .. p} of that sequence's cache.
 *
 * <pre>
 * scores[g][j] = q[t, kvHead*group + g] . K[j, kvHead] / sqrt(headDim)      j <= startPos + t
 * att[t, kvHead*group + g] = sum_j softmax(scores[g])[j] * V[j, kvHead]
 * </pre>
 */
final class AttentionTask implements RangeTask {
    private final ModelConfig c;
    private final Workspace ws;
    private final ElementOps ops;
    private final float scale;
    private final float[][] rowScratch; // [threads][headDim] one widened K or V row

    int layer;
    ForwardBatch batch;

    AttentionTask(ModelConfig c, Workspace ws, ElementOps ops, int threads) {
        this.c = c;
        this.ws = ws;
        this.ops = ops;
        this.scale = (float) (1.0 / Math.sqrt(c.headDim()));
        this.rowScratch = new float[threads][c.headDim()];
    }

    @Override
    public void run(int worker, int from, int to) {
        int hd = c.headDim();
        int qDim = c.qDim();
        int group = c.groupSize();
        int stride = ws.scores[worker].length / group; // scores row of query head g: [g * stride, ...)
        float[] s = ws.scores[worker];
        float[] row = rowScratch[worker];
        ForwardBatch b = batch;
        int tokens = b.numTokens;
        for (int i = from; i < to; i++) {
            int kvHead = i / tokens;
            int t = i % tokens;
            int n = b.positions[t] + 1;
            KvCache kv = b.seqKv[b.tokenSeq[t]];
            KvRows rows = kv.rows();
            MemorySegment keys = kv.keys(layer);
            MemorySegment values = kv.values(layer);
            int qBase = t * qDim + kvHead * group * hd;
            rows.scores(kv, keys, kvHead, 0, n, ws.q, qBase, group, hd, scale, s, stride, row);
            for (int g = 0; g < group; g++) {
                int so = g * stride;
                float max = ops.max(s, so, n);
                float inv = 1f / ops.expShiftedSum(s, so, n, max);
                ops.scale(s, so, n, inv);
            }
            java.util.Arrays.fill(ws.att, qBase, qBase + group * hd, 0f);
            rows.weightedSum(kv, values, kvHead, 0, n, s, stride, group, hd, ws.att, qBase, row);
        }
    }
}
