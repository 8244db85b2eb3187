package dev.ariadne.model;

import dev.ariadne.config.Architecture;
import dev.ariadne.config.ModelConfig;
import dev.ariadne.config.RopeStyle;
import dev.ariadne.kv.ContiguousKvCache;
import dev.ariadne.kv.KvCacheDType;
import dev.ariadne.kv.KvRows;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.tensor.ops.ScalarMath;
import dev.ariadne.tensor.ops.VectorMath;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tiled online-softmax attention against a double-precision softmax over the whole causal row of the stored (widened)
 * keys and values, for every KV cache type, on a step that spans several key tiles and query blocks: a 150-token
 * prefill chunk at positions 500..649 (blocks of 64, 64 and 22 queries on the blocked kernels, with diagonal tiles
 * cut mid-block) and a decoding sequence at position 700 (a block of one, on the in-place kernels).
 */
class AttentionTaskTest {
    private static final int HEADS = 4, KV_HEADS = 2, HD = 32;

    @ParameterizedTest(name = "vectorized={0} kv={1}")
    @MethodSource("kernelsAndTypes")
    void tiledEqualsFullSoftmax(boolean vectorized, KvCacheDType dtype) {
        ModelConfig c = new ModelConfig(Architecture.QWEN3, 8, 64, 64, 1, HEADS, KV_HEADS, HD, 1e-6f, 10000,
                RopeStyle.NEOX, 1024, false, -1, -1, null, null);
        KernelProvider kernels = vectorized ? KernelProvider.best() : KernelProvider.scalar();
        KvRows rows = new KvRows(dtype, kernels);
        SplittableRandom rnd = new SplittableRandom(7);
        int chunk = 150, chunkStart = 500, decodePos = 700;
        try (ContiguousKvCache a = filled(rows, chunkStart + chunk, rnd);
             ContiguousKvCache b = filled(rows, decodePos + 1, rnd)) {
            Workspace ws = new Workspace(c, chunk + 1, 1);
            for (int i = 0; i < ws.q.length; i++) ws.q[i] = (float) rnd.nextGaussian() * 2;
            float[] q = ws.q.clone(); // attention rotates the queries in place for rotated types
            ForwardBatch batch = new ForwardBatch(chunk + 1, 2);
            batch.addSequence(a, new int[chunk], 0, chunk, chunkStart, true);
            batch.addSequence(b, new int[1], 0, 1, decodePos, true);
            AttentionTask task = new AttentionTask(c, ws, vectorized ? VectorMath.INSTANCE : ScalarMath.INSTANCE, 1);
            task.layer = 0;
            task.batch = batch;
            task.plan(batch);
            assertEquals(KV_HEADS * 4, task.items(), "blocks of 64, 64 and 22 tokens, and one decode");
            task.run(0, 0, task.items());
            for (int t = 0; t <= chunk; t++) {
                ContiguousKvCache kv = t < chunk ? a : b;
                int pos = t < chunk ? chunkStart + t : decodePos;
                for (int h = 0; h < HEADS; h++) {
                    float[] expected = fullSoftmaxAttention(kv, h / (HEADS / KV_HEADS), q, t * HEADS * HD + h * HD,
                            pos + 1);
                    for (int d = 0; d < HD; d++) {
                        assertEquals(expected[d], ws.att[t * HEADS * HD + h * HD + d], 3e-5,
                                "token " + t + " head " + h + " dim " + d);
                    }
                }
            }
        }
    }

    private static ContiguousKvCache filled(KvRows rows, int n, SplittableRandom rnd) {
        ContiguousKvCache kv = new ContiguousKvCache(1, KV_HEADS, HD, n, rows);
        float[] k = new float[KV_HEADS * HD], v = new float[KV_HEADS * HD];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < k.length; i++) {
                k[i] = (float) rnd.nextGaussian();
                v[i] = (float) rnd.nextGaussian();
            }
            kv.store(0, j, k, 0, v, 0);
        }
        return kv;
    }

    static Stream<Arguments> kernelsAndTypes() {
        return Stream.of(true, false).flatMap(v -> Arrays.stream(KvCacheDType.values()).map(t -> Arguments.of(v, t)));
    }

    /** Rotated types hold H k and H v: scored by H q (the same dot products), the output rotated back. */
    private static float[] fullSoftmaxAttention(ContiguousKvCache kv, int kvHead, float[] query, int qOff, int n) {
        float[] q = Arrays.copyOfRange(query, qOff, qOff + HD);
        kv.rows().rotate(q, 0, HD);
        qOff = 0;
        float[] k = new float[HD], v = new float[HD];
        double[] s = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            kv.rows().widen(kv.keys(0), kv.rowOffset(j, kvHead), k, 0, HD);
            double dot = 0;
            for (int d = 0; d < HD; d++) dot += (double) q[qOff + d] * k[d];
            s[j] = dot / Math.sqrt(HD);
            max = Math.max(max, s[j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) sum += s[j] = Math.exp(s[j] - max);
        double[] out = new double[HD];
        for (int j = 0; j < n; j++) {
            kv.rows().widen(kv.values(0), kv.rowOffset(j, kvHead), v, 0, HD);
            for (int d = 0; d < HD; d++) out[d] += s[j] / sum * v[d];
        }
        float[] result = new float[HD];
        for (int d = 0; d < HD; d++) result[d] = (float) out[d];
        kv.rows().rotateBack(result, 0, HD);
        return result;
    }
}
