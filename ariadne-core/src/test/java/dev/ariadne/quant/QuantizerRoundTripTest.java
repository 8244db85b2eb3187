package dev.ariadne.quant;

import dev.ariadne.tensor.GGMLType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * dequantize(quantize(x)) stays within the format's precision: a relative RMS bound on Gaussian data and a per-value
 * bound of {@code factor * amax(block) + floor}, also on awkward blocks (zero, constant, one-signed, one outlier,
 * tiny values in the f16-subnormal range of the scales).
 */
class QuantizerRoundTripTest {

    /** rms: relative RMS error on N(0, 1); factor, floor: per-value bound factor * amax(block) + floor. */
    record Bound(double rms, double factor, double floor) {
    }

    // Derivations (step = spacing of the levels): Q8_0 step amax/127, error half a step plus the f16 rounding of d;
    // Q4_0/Q5_0 step amax/8 and amax/16, error one step where +amax meets the one-sided clip (level 7 or 15);
    // Q4_K/Q5_K step <= (range/15 or /31)*(1 + 1/63) with no clipping, error half a step; Q6_K step amax/32 of the
    // group plus 1/128 of the largest group's, error one step at the clip. The floors cover the f16 rounding of a
    // subnormal scale times the largest level where the ggml reference rounds d to nearest (Q8_0, Q4_0, Q5_0); the
    // K-quant quantizers round their scales away from zero and need none beyond float rounding.
    private static final Map<GGMLType, Bound> BOUNDS = Map.ofEntries(
            entry(GGMLType.F32, new Bound(0, 0, 0)),
            entry(GGMLType.F16, new Bound(3e-4, 0x1p-11, 0x1p-25)),
            entry(GGMLType.BF16, new Bound(2.5e-3, 0x1p-8, 0)),
            entry(GGMLType.Q8_0, new Bound(7e-3, 1.0 / 220, 4e-6)),
            entry(GGMLType.Q4_0, new Bound(0.11, 1.0 / 7.5, 3e-7)),
            entry(GGMLType.Q5_0, new Bound(0.055, 1.0 / 15, 5e-7)),
            entry(GGMLType.Q4_K, new Bound(0.105, 0.07, 1e-7)),
            entry(GGMLType.Q5_K, new Bound(0.05, 0.035, 1e-7)),
            entry(GGMLType.Q6_K, new Bound(0.025, 0.033, 1e-7)));

    static List<GGMLType> types() {
        return QuantTestData.registeredTypes();
    }

    @ParameterizedTest
    @MethodSource("types")
    void gaussianRoundTrip(GGMLType type) {
        Bound bound = BOUNDS.get(type);
        assertNotNull(bound, "no round-trip bound for " + type);
        float[] x = QuantTestData.gaussian(new Random(42L + type.id), 64 * 256, 1f);
        float[] y = roundTrip(type, x);
        double err2 = 0, ref2 = 0;
        for (int i = 0; i < x.length; i++) {
            err2 += sq(y[i] - x[i]);
            ref2 += sq(x[i]);
        }
        double rel = Math.sqrt(err2 / ref2);
        System.out.printf("%-5s round trip: relative RMS error %.3e (bound %.1e)%n", type, rel, bound.rms());
        assertTrue(rel <= bound.rms(), type + ": relative RMS error " + rel + " > " + bound.rms());
        checkPerValue(type, bound, x, y);
    }

    @ParameterizedTest
    @MethodSource("types")
    void awkwardBlocks(GGMLType type) {
        Bound bound = BOUNDS.get(type);
        int n = Math.max(type.blockSize, 32);
        Random rnd = new Random(99L + type.id);
        float[][] blocks = {
                new float[n],                                       // all zero
                filled(n, 0.37f),                                   // constant positive
                filled(n, -1.5f),                                   // constant negative
                abs(QuantTestData.gaussian(rnd, n, 1f)),           // one-signed (K-quant mins at zero)
                neg(abs(QuantTestData.gaussian(rnd, n, 1f))),      // one-signed negative
                outlier(QuantTestData.gaussian(rnd, n, 0.01f)),     // one large value among small ones
                QuantTestData.gaussian(rnd, n, 1e-4f),              // scales in the f16 subnormal range
        };
        for (float[] x : blocks) {
            float[] y = roundTrip(type, x);
            checkPerValue(type, bound, x, y);
            if (x[0] == 0f && x[n - 1] == 0f && amax(x, 0, n) == 0f) {
                assertEquals(0f, amax(y, 0, n), type + ": zeros must stay zeros");
            }
        }
    }

    private static float[] roundTrip(GGMLType type, float[] x) {
        WeightFormat f = WeightFormat.of(type);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = QuantTestData.quantized(arena, type, x, 3);
            float[] y = new float[x.length];
            f.scalar().dequantize(w, 3, y, 0, x.length);
            return y;
        }
    }

    private static void checkPerValue(GGMLType type, Bound bound, float[] x, float[] y) {
        int bs = type.blockSize;
        for (int b = 0; b < x.length; b += bs) {
            double limit = bound.factor() * amax(x, b, bs) + bound.floor();
            for (int i = b; i < b + bs; i++) {
                double err = Math.abs((double) y[i] - x[i]);
                if (!(err <= limit)) {
                    throw new AssertionError(type + ": value " + i + " = " + x[i] + " came back as " + y[i]
                            + " (error " + err + " > " + limit + "); block " + Arrays.toString(
                            Arrays.copyOfRange(x, b, Math.min(b + 8, x.length))) + "...");
                }
            }
        }
    }

    private static float amax(float[] v, int from, int n) {
        float m = 0f;
        for (int i = from; i < from + n; i++) m = Math.max(m, Math.abs(v[i]));
        return m;
    }

    private static double sq(double v) {
        return v * v;
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    private static float[] abs(float[] v) {
        for (int i = 0; i < v.length; i++) v[i] = Math.abs(v[i]);
        return v;
    }

    private static float[] neg(float[] v) {
        for (int i = 0; i < v.length; i++) v[i] = -v[i];
        return v;
    }

    private static float[] outlier(float[] v) {
        v[v.length / 3] = 3f;
        return v;
    }
}
