package dev.ariadne.tensor.ops;

import dev.ariadne.quant.WeightFormat;
import dev.ariadne.tensor.GGMLType;
import dev.ariadne.tensor.Linear;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The blocked matrix-matrix path and the decode matrix-vector path against a plain triple loop over dequantized
 * weights, at sizes that exercise every remainder (rows and tokens not multiples of 4 or of the tiles, columns not
 * multiples of the vector length), single- and multi-threaded.
 */
class MatMulTest {
    @ParameterizedTest(name = "{0} rows={1} cols={2} tokens={3} threads={4}")
    @CsvSource({
            "F32, 1, 16, 1, 1", "F32, 13, 172, 5, 2", "Q8_0, 29, 64, 4, 2", "F32, 67, 64, 131, 2", "F32, 35, 8, 3, 1",
            "F16, 21, 96, 7, 2", "Q8_0, 37, 96, 9, 2", "Q8_0, 64, 1024, 70, 2", "Q8_0, 5, 32, 1, 2",
            // the outer-product tile (32+ tokens in a block): token panels of 32 and a leftover vector, 8-row groups
            // and leftover rows, a 16-row tile gathered out, partial blocks
            "F16, 40, 96, 33, 1", "Q4_K, 19, 256, 100, 2", "F32, 16, 48, 48, 1",
            // the decode path (1-2 tokens; 3-4 take the tile): rows copied out (Q8_0, Q4_K), dequantized (F16) or
            // dotted in place, with the activations' group sums (Q4_K's mins) at each token's offset
            "Q4_K, 13, 512, 3, 2", "Q4_K, 6, 256, 1, 1", "Q6_K, 11, 512, 2, 2", "Q4_0, 9, 96, 4, 2",
            "F16, 7, 40, 2, 2", "BF16, 5, 48, 1, 2", "Q5_K, 3, 256, 2, 1", "Q5_0, 10, 64, 3, 2"})
    void matchesNaiveProduct(String typeName, int rows, int cols, int tokens, int threads) {
        GGMLType type = GGMLType.valueOf(typeName);
        WeightFormat f = WeightFormat.of(type);
        SplittableRandom rnd = new SplittableRandom(rows * 31L + cols);
        long rowBytes = type.bytesFor(cols);
        try (Arena arena = Arena.ofShared(); ComputePool pool = new ComputePool(threads)) {
            MemorySegment seg = arena.allocate(rowBytes * rows);
            float[] row = new float[cols];
            float[][] w = new float[rows][cols];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) row[c] = (float) rnd.nextGaussian();
                f.quantizer().quantize(row, 0, cols, seg, r * rowBytes);
                f.scalar().dequantize(seg, r * rowBytes, w[r], 0, cols);
            }
            int xStride = cols + 3;
            float[] x = new float[tokens * xStride];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            for (boolean vectorized : new boolean[] {true, false}) {
                Linear lin = new Linear("w", type, vectorized ? f.vector() : f.scalar(), seg, rows, cols, rowBytes);
                MatMul mm = new MatMul(pool, cols, vectorized);
                int yStride = rows + 2;
                float[] y = new float[tokens * yStride];
                mm.apply(lin, x, xStride, tokens, y, yStride, 1);
                for (int t = 0; t < tokens; t++) {
                    for (int r = 0; r < rows; r++) {
                        double expected = 0, mag = 0;
                        for (int c = 0; c < cols; c++) {
                            expected += (double) w[r][c] * x[t * xStride + c];
                            mag += Math.abs(w[r][c] * x[t * xStride + c]);
                        }
                        assertEquals(expected, y[t * yStride + 1 + r], 1e-5 * mag + 1e-6,
                                "vectorized=" + vectorized + " token " + t + " row " + r);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "group tokens={0}")
    @CsvSource({"1", "6"})
    void groupEqualsSeparateProducts(int tokens) {
        GGMLType type = GGMLType.Q8_0;
        WeightFormat f = WeightFormat.of(type);
        int cols = 64;
        int[] rows = {37, 8, 20};
        SplittableRandom rnd = new SplittableRandom(7);
        try (Arena arena = Arena.ofShared(); ComputePool pool = new ComputePool(2)) {
            Linear[] ws = new Linear[rows.length];
            for (int i = 0; i < rows.length; i++) ws[i] = randomMatrix(arena, f, "w" + i, rows[i], cols, rnd);
            float[] x = new float[tokens * cols];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            MatMul mm = new MatMul(pool, cols, true);
            float[][] grouped = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) grouped[i] = new float[tokens * rows[i]];
            mm.apply(new MatMul.Group(ws, grouped), x, cols, tokens);
            for (int i = 0; i < rows.length; i++) {
                float[] alone = new float[tokens * rows[i]];
                mm.apply(ws[i], x, cols, tokens, alone, rows[i], 0);
                // Tile boundaries differ between the two splits, so the summation order may too.
                for (int j = 0; j < alone.length; j++) {
                    assertEquals(alone[j], grouped[i][j], 1e-5 * Math.max(1, Math.abs(alone[j])), "matrix " + i);
                }
            }
        }
    }

    /** Per-head matrices on their own slices of the input equal one product per head, strided input and output. */
    @ParameterizedTest(name = "per head tokens={0} xHeadStride={1}")
    @CsvSource({"1, 40", "5, 40", "5, 0", "70, 40"})
    void perHeadEqualsOneProductPerHead(int tokens, int xHeadStride) {
        GGMLType type = GGMLType.Q8_0;
        WeightFormat f = WeightFormat.of(type);
        int heads = 3, rows = 21, cols = 32;
        SplittableRandom rnd = new SplittableRandom(11);
        try (Arena arena = Arena.ofShared(); ComputePool pool = new ComputePool(2)) {
            Linear[] ws = new Linear[heads];
            for (int h = 0; h < heads; h++) ws[h] = randomMatrix(arena, f, "w" + h, rows, cols, rnd);
            int xStride = heads * 40 + 1, yHeadStride = rows + 2, yStride = heads * yHeadStride + 3;
            float[] x = new float[tokens * xStride];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            MatMul mm = new MatMul(pool, cols, true);
            float[] y = new float[tokens * yStride];
            mm.applyPerHead(ws, x, xStride, xHeadStride, tokens, y, yStride, yHeadStride);
            for (int h = 0; h < heads; h++) {
                float[] xh = new float[tokens * cols];
                for (int t = 0; t < tokens; t++) System.arraycopy(x, t * xStride + h * xHeadStride, xh, t * cols, cols);
                float[] alone = new float[tokens * rows];
                mm.apply(ws[h], xh, cols, tokens, alone, rows, 0);
                for (int t = 0; t < tokens; t++) {
                    for (int r = 0; r < rows; r++) {
                        float a = alone[t * rows + r];
                        assertEquals(a, y[t * yStride + h * yHeadStride + r], 1e-5 * Math.max(1, Math.abs(a)),
                                "head " + h + " token " + t + " row " + r);
                    }
                }
            }
        }
    }

    /** Segments (matrix i on its own run of tokens, uneven runs, some empty) equal one product per segment. */
    @ParameterizedTest(name = "segments threads={0}")
    @CsvSource({"1", "2", "3"})
    void segmentsEqualOneProductPerSegment(int threads) {
        GGMLType type = GGMLType.Q8_0;
        WeightFormat f = WeightFormat.of(type);
        int rows = 19, cols = 64, tokens = 23, yStride = 2 * rows + 1;
        int[] from = {0, 1, 1, 8, 8, 21}, count = {1, 7, 7, 0, 13, 2}, yOff = {0, 0, rows, 0, rows, 3};
        SplittableRandom rnd = new SplittableRandom(5);
        try (Arena arena = Arena.ofShared(); ComputePool pool = new ComputePool(threads)) {
            Linear[] ws = new Linear[from.length];
            for (int i = 0; i < ws.length; i++) ws[i] = randomMatrix(arena, f, "w" + i, rows, cols, rnd);
            float[] x = new float[tokens * cols];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            MatMul mm = new MatMul(pool, cols, true);
            float[] y = new float[tokens * yStride];
            java.util.Arrays.fill(y, Float.NaN);
            mm.applySegments(ws, from, count, yOff, ws.length, x, cols, y, yStride);
            for (int i = 0; i < ws.length; i++) {
                if (count[i] == 0) continue;
                float[] xi = java.util.Arrays.copyOfRange(x, from[i] * cols, (from[i] + count[i]) * cols);
                float[] alone = new float[count[i] * rows];
                mm.apply(ws[i], xi, cols, count[i], alone, rows, 0);
                for (int t = 0; t < count[i]; t++) {
                    for (int r = 0; r < rows; r++) {
                        float a = alone[t * rows + r], got = y[(from[i] + t) * yStride + yOff[i] + r];
                        assertEquals(a, got, 1e-5 * Math.max(1, Math.abs(a)), "segment " + i + " token " + t
                                + " row " + r);
                    }
                }
            }
        }
    }

    /** A [rows, cols] matrix of Gaussian values quantized to {@code f}, with its vector kernel. */
    private static Linear randomMatrix(Arena arena, WeightFormat f, String name, int rows, int cols,
                                       SplittableRandom rnd) {
        long rowBytes = f.type().bytesFor(cols);
        MemorySegment seg = arena.allocate(rowBytes * rows);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) row[c] = (float) rnd.nextGaussian();
            f.quantizer().quantize(row, 0, cols, seg, r * rowBytes);
        }
        return new Linear(name, f.type(), f.vector(), seg, rows, cols, rowBytes);
    }
}
