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
     * {@code y[yOff + r] = dot(row r, x[xOff ..])} for rows {@code from <= r < to} of a matrix whose row r starts at
     * byte {@code r * rowBytes}: the matrix-vector product of decode. The loop lives here, next to {@link #dot}, so the
     * JIT compiles it as its own unit: inlined deep into the caller's loops, the dot lost its vector intrinsics and
     * ran 3x slower (measured on Q8_0 decode).
     */
    default void dotRows(MemorySegment w, long rowBytes, int from, int to, float[] x, int xOff, int cols, float[] y,
                         int yOff) {
        for (int r = from; r < to; r++) {
            y[yOff + r] = dot(w, r * rowBytes, x, xOff, cols);
        }
    }
}
