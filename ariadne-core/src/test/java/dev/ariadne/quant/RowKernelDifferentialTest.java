package dev.ariadne.quant;

import dev.ariadne.tensor.GGMLType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Vector API kernels against their scalar twins (Lucene's TestVectorUtilSupport pattern): odd block counts, seeded
 * inputs quantized with the format's own quantizer, unaligned block addresses and non-zero array offsets.
 * Dequantization must match bit for bit (both sides do the same float operations); a dot may differ by summation
 * order only, bounded by 1e-5 of sum |w*x|.
 */
class RowKernelDifferentialTest {
    private static final double DOT_TOLERANCE = 1e-5;
    private static final int LEAD_BYTES = 7;
    private static final int ARRAY_OFFSET = 5;

    static List<GGMLType> types() {
        return QuantTestData.registeredTypes();
    }

    @Test
    void everyFormatOfTheKitIsRegistered() {
        EnumSet<GGMLType> expected = EnumSet.of(GGMLType.F32, GGMLType.F16, GGMLType.BF16, GGMLType.Q8_0,
                GGMLType.Q4_0, GGMLType.Q5_0, GGMLType.Q4_K, GGMLType.Q5_K, GGMLType.Q6_K);
        assertEquals(expected, EnumSet.copyOf(WeightFormat.supportedTypes()));
        for (GGMLType t : expected) {
            WeightFormat f = WeightFormat.of(t);
            assertEquals(t, f.scalar().type());
            assertEquals(t, f.vector().type());
            assertEquals(t, f.quantizer().type());
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void vectorMatchesScalar(GGMLType type) {
        WeightFormat f = WeightFormat.of(type);
        Random rnd = new Random(20260817L + type.id);
        try (Arena arena = Arena.ofConfined()) {
            for (int count : QuantTestData.oddCounts(type)) {
                float[] values = QuantTestData.gaussian(rnd, count, 0.05f);
                MemorySegment w = QuantTestData.quantized(arena, type, values, LEAD_BYTES);
                float[] x = QuantTestData.gaussian(rnd, ARRAY_OFFSET + count, 1f);

                float[] expected = new float[ARRAY_OFFSET + count];
                float[] actual = new float[ARRAY_OFFSET + count];
                f.scalar().dequantize(w, LEAD_BYTES, expected, ARRAY_OFFSET, count);
                f.vector().dequantize(w, LEAD_BYTES, actual, ARRAY_OFFSET, count);
                assertArrayEquals(expected, actual, 0f, type + " dequantize, " + count + " values");

                double scale = 0;
                for (int i = 0; i < count; i++) {
                    scale += Math.abs((double) expected[ARRAY_OFFSET + i] * x[ARRAY_OFFSET + i]);
                }
                float s = f.scalar().dot(w, LEAD_BYTES, x, ARRAY_OFFSET, count);
                float v = f.vector().dot(w, LEAD_BYTES, x, ARRAY_OFFSET, count);
                assertTrue(scale > 0, "degenerate input");
                assertEquals(s, v, DOT_TOLERANCE * scale, type + " dot, " + count + " values");
            }
        }
    }

    /**
     * The decode form: the dot given the activations' sums per group of 16 (formats with per-block offsets take
     * them out of the loop), over rows of a matrix through dotRows, against the scalar dot of each row. The sums
     * sit at an offset in their array, as they do for the second token of a step.
     */
    @ParameterizedTest
    @MethodSource("types")
    void vectorDotWithGroupSumsMatchesScalar(GGMLType type) {
        WeightFormat f = WeightFormat.of(type);
        Random rnd = new Random(4242L + type.id);
        int rows = 3;
        try (Arena arena = Arena.ofConfined()) {
            for (int count : QuantTestData.oddCounts(type)) {
                long rowBytes = type.bytesFor(count);
                MemorySegment w = arena.allocate(LEAD_BYTES + rows * rowBytes);
                float[][] rowValues = new float[rows][];
                for (int r = 0; r < rows; r++) {
                    rowValues[r] = QuantTestData.gaussian(rnd, count, 0.05f);
                    MemorySegment.copy(QuantTestData.quantized(arena, type, rowValues[r], 0), 0, w,
                            LEAD_BYTES + r * rowBytes, rowBytes);
                }
                float[] x = QuantTestData.gaussian(rnd, ARRAY_OFFSET + count, 1f);
                int groups = count / RowKernel.SUM_GROUP, sumsOff = 3;
                float[] sums = new float[sumsOff + groups];
                for (int g = 0; g < groups; g++) {
                    for (int i = 0; i < RowKernel.SUM_GROUP; i++) {
                        sums[sumsOff + g] += x[ARRAY_OFFSET + RowKernel.SUM_GROUP * g + i];
                    }
                }
                float[] y = new float[2 + rows];
                f.vector().dotRows(w.asSlice(LEAD_BYTES), rowBytes, 0, rows, x, ARRAY_OFFSET, sums, sumsOff, count,
                        y, 2);
                for (int r = 0; r < rows; r++) {
                    float[] deq = new float[count];
                    f.scalar().dequantize(w, LEAD_BYTES + r * rowBytes, deq, 0, count);
                    double scale = 0;
                    for (int i = 0; i < count; i++) scale += Math.abs((double) deq[i] * x[ARRAY_OFFSET + i]);
                    float s = f.scalar().dot(w, LEAD_BYTES + r * rowBytes, x, ARRAY_OFFSET, count);
                    assertEquals(s, y[2 + r], DOT_TOLERANCE * scale, type + " dotRows row " + r + ", " + count
                            + " values");
                }
            }
        }
    }

    /** The scalar dot is the dequantized dot: the oracle itself is checked against plain float math in double. */
    @ParameterizedTest
    @MethodSource("types")
    void scalarDotIsDotOfDequantized(GGMLType type) {
        WeightFormat f = WeightFormat.of(type);
        Random rnd = new Random(7L * type.id + 1);
        try (Arena arena = Arena.ofConfined()) {
            for (int count : QuantTestData.oddCounts(type)) {
                float[] values = QuantTestData.gaussian(rnd, count, 0.05f);
                MemorySegment w = QuantTestData.quantized(arena, type, values, LEAD_BYTES);
                float[] x = QuantTestData.gaussian(rnd, count, 1f);
                float[] deq = new float[count];
                f.scalar().dequantize(w, LEAD_BYTES, deq, 0, count);
                double exact = 0, scale = 0;
                for (int i = 0; i < count; i++) {
                    exact += (double) deq[i] * x[i];
                    scale += Math.abs((double) deq[i] * x[i]);
                }
                assertEquals(exact, f.scalar().dot(w, LEAD_BYTES, x, 0, count), DOT_TOLERANCE * scale,
                        type + " scalar dot, " + count + " values");
            }
        }
    }
}
