package dev.ariadne.model;

import dev.ariadne.config.ModelConfig;
import dev.ariadne.kv.KvCache;
import dev.ariadne.tensor.ops.ElementOps;
import dev.ariadne.tensor.ops.RangeTask;

/**
 * Causal grouped-query attention for the tokens of one step, over keys and values read through {@link KvCache}.
 * Work item i is (head h = i / tokens, token t = i % tokens): head-major order gives every thread the same mix of
 * short (early) and long (late) causal rows. Token t at position {@code startPos + t} attends to positions
 * {@code 0 .. startPos + t}; its scores live in the worker's scratch row.
 */
final class AttentionTask implements RangeTask {
    private final ModelConfig c;
    private final Workspace ws;
    private final ElementOps ops;
    private final float scale;

    int layer;
    int tokens;
    int startPos;
    KvCache kv;

    AttentionTask(ModelConfig c, Workspace ws, ElementOps ops) {
        this.c = c;
        this.ws = ws;
        this.ops = ops;
        this.scale = (float) (1.0 / Math.sqrt(c.headDim()));
    }

    @Override
    public void run(int worker, int from, int to) {
        int hd = c.headDim();
        int qDim = c.qDim();
        int group = c.groupSize();
        float[] s = ws.scores[worker];
        for (int i = from; i < to; i++) {
            int h = i / tokens;
            int t = i % tokens;
            int kvHead = h / group;
            int n = startPos + t + 1;
            int qOff = t * qDim + h * hd;
            for (int j = 0; j < n; j++) {
                s[j] = kv.dotKey(layer, j, kvHead, ws.q, qOff) * scale;
            }
            float max = ops.max(s, 0, n);
            float inv = 1f / ops.expShiftedSum(s, 0, n, max);
            java.util.Arrays.fill(ws.att, qOff, qOff + hd, 0f);
            for (int j = 0; j < n; j++) {
                kv.addValue(layer, j, kvHead, s[j] * inv, ws.att, qOff);
            }
        }
    }
}
