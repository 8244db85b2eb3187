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
}
