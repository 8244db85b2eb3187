package dev.ariadne.kv;

import dev.ariadne.memory.KvFootprint;
import dev.ariadne.memory.PlannedModel;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The KV types' byte counts (one formula for planner and engine), their spellings, fp8 e4m3 and the rotation. */
class KvCacheDTypeTest {
    /** The kit's qwen3: 2 layers x 2 KV heads x head dim 64, K and V. */
    private static final Map<KvCacheDType, Long> QWEN3_BYTES_PER_TOKEN = Map.of(
            KvCacheDType.FP32, 2048L, KvCacheDType.FP16, 1024L, KvCacheDType.BF16, 1024L,
            KvCacheDType.FP8, (64 + 4) * 8L, KvCacheDType.INT8, (64 + 4) * 8L,
            KvCacheDType.Q8_0, 2 * 34 * 8L, KvCacheDType.Q4_0, 2 * 18 * 8L);

    @Test
    void bytesPerTokenFollowTheFormulaInThePlannerAndTheEngine() {
        PlannedModel qwen3 = PlannedModel.load(SharedKit.file("models/qwen3/qwen3-F32.gguf"));
        for (KvCacheDType t : KvCacheDType.values()) {
            long expected = QWEN3_BYTES_PER_TOKEN.get(t);
            assertEquals(expected, KvFootprint.of(qwen3.shape(), 1, t).bytesPerToken(), t + " planner");
            assertEquals(expected, KvFootprint.gqa(t, 2, 2, 64).bytesPerToken(), t + " start-up report");
            assertEquals(expected * 16, PagedKvStorage.bytesPerBlock(2, 2, 64, 16, t), t + " engine block");
            try (PagedKvStorage s = new PagedKvStorage(2, 2, 64, 16, 3, new KvRows(t, KernelProvider.scalar()))) {
                assertEquals(expected * 16 * 3, s.bytes(), t + " allocated");
                assertEquals(expected / 8, s.rowOffset(0, 0, 1) - s.rowOffset(0, 0, 0), t + " row (8 per token)");
            }
        }
    }

    @Test
    void spellingsAndAClearErrorListingTheAcceptedValues() {
        assertEquals(KvCacheDType.FP16, KvCacheDType.parse("half"));
        assertEquals(KvCacheDType.FP32, KvCacheDType.parse("f32"));
        assertEquals(KvCacheDType.FP8, KvCacheDType.parse("fp8_e4m3"));
        assertEquals(KvCacheDType.Q4_0, KvCacheDType.parse("Q4_0"));
        assertEquals(KvCacheDType.FP32, KvCacheDType.resolve("auto", dev.ariadne.tensor.GGMLType.F32));
        assertEquals(KvCacheDType.FP16, KvCacheDType.resolve(null, dev.ariadne.tensor.GGMLType.Q8_0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KvCacheDType.parse("int4"));
        assertTrue(e.getMessage().contains("'int4'")
                && e.getMessage().contains("auto, fp32, fp16, bf16, fp8, int8, q8_0, q4_0"), e.getMessage());
    }

    /** The e4m3 value of a code from its definition: (-1)^s 2^(e-7) (1 + m/8), subnormal 2^-6 m/8, NaN S.1111.111. */
    private static float e4m3(int code) {
        int s = code >> 7 & 1, e = code >> 3 & 15, m = code & 7;
        if (e == 15 && m == 7) return Float.NaN;
        double v = e == 0 ? Math.scalb(m / 8.0, -6) : Math.scalb(1 + m / 8.0, e - 7);
        return (float) (s == 1 ? -v : v);
    }

    @Test
    void fp8DecodesAndEncodesAllCodesExactly() {
        for (int c = 0; c < 256; c++) {
            byte code = (byte) c;
            if ((c & 0x7f) == 0x7f) continue; // NaN: never written (encode saturates, below)
            assertEquals(Float.floatToIntBits(e4m3(c)), Float.floatToIntBits(Fp8E4M3.decode(code)), "code " + c);
            assertEquals(code, Fp8E4M3.encode(Fp8E4M3.decode(code)), "round trip of code " + c);
        }
        // ties to even, and anything just off a midpoint to the nearer code
        for (int c = 0; c < 0x7e; c++) {
            double lo = e4m3(c), hi = e4m3(c + 1), mid = (lo + hi) / 2;
            int even = (c & 1) == 0 ? c : c + 1;
            assertEquals((byte) even, Fp8E4M3.encode((float) mid), "midpoint above code " + c);
            assertEquals((byte) c, Fp8E4M3.encode(Math.nextDown((float) mid)), "below the midpoint above " + c);
            assertEquals((byte) (c + 1), Fp8E4M3.encode(Math.nextUp((float) mid)), "above the midpoint above " + c);
            assertEquals((byte) (c | 0x80), Fp8E4M3.encode((float) -lo), "negative " + c);
        }
        assertEquals((byte) 0x7e, Fp8E4M3.encode(460f));
        assertEquals((byte) 0x7e, Fp8E4M3.encode(1e30f));
        assertEquals((byte) 0xfe, Fp8E4M3.encode(Float.NEGATIVE_INFINITY));
        assertEquals((byte) 0x80, Fp8E4M3.encode(-0f));
    }

    /** The vector kernels decode every code as the scalar oracle does (a weighted sum with one weight of 1). */
    @Test
    void fp8VectorDecodeMatchesTheScalarOnAllCodes() {
        KvRows vec = new KvRows(KvCacheDType.FP8, KernelProvider.best());
        KvRows ref = new KvRows(KvCacheDType.FP8, KernelProvider.scalar());
        try (ContiguousKvCache kv = new ContiguousKvCache(1, 1, 256, 1, vec)) {
            long off = kv.rowOffset(0, 0);
            kv.values(0).set(ValueLayout.JAVA_FLOAT_UNALIGNED, off, 1f);
            for (int c = 0; c < 256; c++) kv.values(0).set(ValueLayout.JAVA_BYTE, off + 4 + c, (byte) c);
            float[] p = {1f};
            float[] outVec = new float[256], outRef = new float[256], row = new float[256];
            vec.weightedSum(kv, kv.values(0), 0, 0, 1, p, 1, 1, 256, outVec, 0, row);
            ref.weightedSum(kv, kv.values(0), 0, 0, 1, p, 1, 1, 256, outRef, 0, row);
            for (int c = 0; c < 256; c++) {
                assertEquals(Float.floatToIntBits(outRef[c]), Float.floatToIntBits(outVec[c]), "code " + c);
                if ((c & 0x7f) != 0x7f) assertEquals(e4m3(c) + 0f, outRef[c], "code " + c);
            }
        }
    }

    @Test
    void theRotationIsOrthonormalAndItsOwnInverse() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int n : new int[] {64, 128, 80, 96}) {
            assertEquals(Integer.lowestOneBit(n), Hadamard.blockLength(n));
            float[] a = new float[n], b = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (float) rnd.nextGaussian();
                b[i] = (float) rnd.nextGaussian();
            }
            float[] ra = a.clone(), rb = b.clone();
            Hadamard.rotate(ra, 0, n);
            Hadamard.rotate(rb, 0, n);
            double dot = 0, rdot = 0;
            for (int i = 0; i < n; i++) {
                dot += a[i] * b[i];
                rdot += ra[i] * rb[i];
            }
            assertEquals(dot, rdot, 1e-4, "q . k kept at n=" + n);
            Hadamard.rotate(ra, 0, n);
            for (int i = 0; i < n; i++) assertEquals(a[i], ra[i], 1e-5, "H H x = x at n=" + n);
        }
    }
}
