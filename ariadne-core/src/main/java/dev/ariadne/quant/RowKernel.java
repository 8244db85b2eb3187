package dev.ariadne.quant;

import dev.ariadne.tensor.GGMLType;

import java.lang.foreign.MemorySegment;

/**
 * What the engine needs of one weight format: turn a run of stored values back into floats, and dot a run of stored
 * values with float activations. Runs start at a block boundary ({@code offset} is a byte offset into {@code w}) and
 * hold a whole number of blocks ({@code count} values). Each format has a scalar implementation (the test oracle)
 * and a Vector API one; {@link KernelProvider} chooses once.
 */
public interface RowKernel {
    GGMLType type();

    /** {@code dst[dstOff + i] = w[i]} for {@code i < count}. */
    void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int count);

    /** {@code sum_i w[i] * x[xOff + i]} for {@code i < count}. */
    float dot(MemorySegment w, long offset, float[] x, int xOff, int count);

    /**
     * Values per activation group sum: {@code xSums[g] = sum_i x[xOff + 16 g + i]} for {@code i < 16} (a Q6_K scale
     * group; half a Q4_K sub-block).
     */
    int SUM_GROUP = 16;

    /**
     * {@link #dot} given the sums of the activations over each group of {@value #SUM_GROUP}, {@code xSums[xSumsOff +
     * g] = sum_{i < 16} x[xOff + 16 g + i]}, for the formats that {@link #usesGroupSums}: Q4_K takes its mins out of
     * the loop as {@code dmin * min_j * sum(x_j)}, Q6_K its -32 offset as {@code 32 * d * scale_g * sum(x_g)}. The
     * sums are the same for every row of a matrix, so a matrix-vector product computes them once per token instead of
     * once per row. The default ignores the sums.
     */
    default float dot(MemorySegment w, long offset, float[] x, int xOff, float[] xSums, int xSumsOff, int count) {
        return dot(w, offset, x, xOff, count);
    }

    /** Whether {@link #dot(MemorySegment, long, float[], int, float[], int, int)} reads the group sums. */
    default boolean usesGroupSums() {
        return false;
    }

    /**
     * {@code y[yOff + r] = dot(row r, x[xOff ..])} for rows {@code from <= r < to} of a matrix whose row r starts at
     * byte {@code r * rowBytes}, with {@code xSums} as in {@link #dot(MemorySegment, long, float[], int, float[], int,
     * int)}: the matrix-vector product of decode. The loop lives here, next to {@link #dot}, so the JIT compiles it
     * as its own unit: inlined deep into the caller's loops, the dot lost its vector intrinsics and ran 3x slower
     * (measured on Q8_0 decode).
     */
    default void dotRows(MemorySegment w, long rowBytes, int from, int to, float[] x, int xOff, float[] xSums,
                         int xSumsOff, int cols, float[] y, int yOff) {
        for (int r = from; r < to; r++) {
            y[yOff + r] = dot(w, r * rowBytes, x, xOff, xSums, xSumsOff, cols);
        }
    }

    /** How a matrix-vector product (decode) reads this format's rows. */
    enum DecodePath {
        /** {@link #dotRows} on the mapped rows. */
        IN_PLACE,
        /** A few rows at a time copied out of the mapping with one bulk copy, then {@link #dotRows} on the copy. */
        COPIED_ROWS,
        /** A few rows at a time dequantized into a float tile, then a float dot per row and token. */
        DEQUANTIZED_ROWS
    }

    /**
     * The decode path that measured fastest for this format (Qwen3-0.6B decode, 2 threads, same sitting): Q8_0
     * 12.0 -> 15.5 tokens/s and Q4_K 10.3 -> 13.0 with copied rows, Q4_0 17.9 -> 14.1 and Q6_K neutral to slower,
     * so they stay in place; F16 7.3 -> 11.2 through dequantized rows (its dequantize is one instruction per 16
     * values, see F16), where Q8_0, Q4_K and Q6_K lost 17-27% that way. (The bulk copy streams memory at close to
     * the machine's bandwidth; the dot reading the mapping keeps fewer loads in flight, most visibly for Q8_0's
     * 34-byte blocks.)
     */
    default DecodePath decodePath() {
        return DecodePath.IN_PLACE;
    }
}
