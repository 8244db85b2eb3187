package dev.ariadne.kv;

import dev.ariadne.quant.KernelProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fused vector attention kernels against the scalar reference, for every KV dtype and several GQA groups. */
class KvRowsTest {
    @ParameterizedTest(name = "{0} group={1} hd={2} n={3}")
    @CsvSource({"F32, 1, 64, 1", "F16, 2, 128, 37", "BF16, 3, 64, 19", "F16, 4, 32, 5", "F32, 2, 16, 130",
            "F16, 1, 8, 9"})
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
}
