package dev.ariadne.kv;

import dev.ariadne.quant.KernelProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused vector attention kernels against the scalar reference (the oracle), for every KV dtype, quantized rows
 * included, several GQA groups and odd tile lengths; and each format's store-then-widen round trip.
 */
class KvRowsTest {
    @ParameterizedTest(name = "{0} group={1} hd={2} n={3}")
    @CsvSource({"FP32, 1, 64, 1", "FP16, 2, 128, 37", "BF16, 3, 64, 19", "FP16, 4, 32, 5", "FP32, 2, 16, 130",
            "FP16, 1, 8, 9", "FP8, 2, 64, 13", "FP8, 1, 128, 207", "FP8, 3, 16, 5", "INT8, 2, 128, 37",
            "INT8, 4, 64, 1", "INT8, 1, 8, 9", "Q8_0, 2, 64, 13", "Q8_0, 1, 128, 207", "Q8_0, 3, 96, 7",
            "Q4_0, 2, 64, 13", "Q4_0, 1, 128, 207", "Q4_0, 4, 32, 5", "Q4_0, 2, 160, 19",
            // multi-head latent attention: every head of a work item on one latent row of 576 (values: its first 512)
            "FP16, 8, 576, 21", "FP32, 16, 576, 3", "Q8_0, 5, 576, 9", "FP8, 7, 512, 4", "Q4_0, 16, 512, 6"})
    void vectorMatchesScalar(String dtypeName, int group, int hd, int n) {
        KvCacheDType dtype = KvCacheDType.valueOf(dtypeName);
        KvRows vec = new KvRows(dtype, KernelProvider.best());
        KvRows ref = new KvRows(dtype, KernelProvider.scalar());
        int kvHeads = 2;
        SplittableRandom rnd = new SplittableRandom(group * 100L + hd);
        try (ContiguousKvCache kv = new ContiguousKvCache(1, kvHeads, hd, n, vec)) {
            float[] k = new float[kvHeads * hd], v = new float[kvHeads * hd];
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < k.length; i++) {
                    k[i] = (float) rnd.nextGaussian();
                    v[i] = (float) rnd.nextGaussian();
                }
                kv.store(0, j, k, 0, v, 0);
            }
            float[] q = new float[3 + group * hd];
            for (int i = 0; i < q.length; i++) q[i] = (float) rnd.nextGaussian();
            int stride = n + 5;
            float[] sVec = new float[group * stride], sRef = new float[group * stride];
            float[] row = new float[hd];
            vec.scores(kv, kv.keys(0), 1, 0, n, q, 3, group, hd, 0.125f, sVec, stride, row);
            ref.scores(kv, kv.keys(0), 1, 0, n, q, 3, group, hd, 0.125f, sRef, stride, row);
            for (int i = 0; i < sRef.length; i++) assertEquals(sRef[i], sVec[i], 1e-4, "score " + i);
            float[] oVec = new float[2 + group * hd], oRef = new float[2 + group * hd];
            vec.weightedSum(kv, kv.values(0), 1, 0, n, sRef, stride, group, hd, oVec, 2, row);
            ref.weightedSum(kv, kv.values(0), 1, 0, n, sRef, stride, group, hd, oRef, 2, row);
            for (int i = 0; i < oRef.length; i++) assertEquals(oRef[i], oVec[i], 1e-4, "output " + i);
        }
    }

    /**
     * Store then widen gives the row back within the format's step: max|x| / 127 for int8 (half a step of rounding),
     * 2^-4 relative for e4m3 (3 mantissa bits), the block scale for q8_0 and q4_0 (after rotating back).
     */
    @ParameterizedTest(name = "{0} hd={1}")
    @CsvSource({"FP32, 64, 0", "FP16, 64, 1e-3", "BF16, 64, 8e-3", "FP8, 64, 0.0625", "FP8, 128, 0.0625",
            "INT8, 64, 0.0079", "INT8, 128, 0.0079", "Q8_0, 64, 0.0079", "Q8_0, 128, 0.0079", "Q4_0, 64, 0.126",
            "Q4_0, 128, 0.126"})
    void storeThenWidenRoundTrips(String dtypeName, int hd, double relative) {
        KvCacheDType dtype = KvCacheDType.valueOf(dtypeName);
        SplittableRandom rnd = new SplittableRandom(hd * 7L + dtype.ordinal());
        for (KernelProvider kernels : new KernelProvider[] {KernelProvider.scalar(), KernelProvider.best()}) {
            KvRows rows = new KvRows(dtype, kernels);
            try (ContiguousKvCache kv = new ContiguousKvCache(1, 1, hd, 3, rows)) {
                assertEquals(dtype.vectorBytes(hd), kv.rowOffset(1, 0) - kv.rowOffset(0, 0), "row bytes");
                float[] x = new float[hd];
                for (int i = 0; i < hd; i++) x[i] = (float) (rnd.nextGaussian() * (i == 5 ? 6 : 1));
                float[] back = new float[hd];
                kv.store(0, 1, x, 0, x, 0);
                rows.widen(kv.keys(0), kv.rowOffset(1, 0), back, 0, hd);
                rows.rotateBack(back, 0, hd);
                float amax = 0f;
                for (float v : x) amax = Math.max(amax, Math.abs(v));
                for (int i = 0; i < hd; i++) {
                    double bound = dtype == KvCacheDType.FP16 || dtype == KvCacheDType.BF16 || dtype == KvCacheDType.FP8
                            ? relative * Math.abs(x[i]) + 1e-5 * amax : relative * amax;
                    if (dtype.rotated) bound = relative * amax; // the error of H x spreads over the row
                    assertTrue(Math.abs(back[i] - x[i]) <= bound + 1e-6, dtype + " value " + i + ": " + x[i]
                            + " came back as " + back[i] + " (bound " + bound + ")");
                }
            }
        }
    }
}
