package dev.ariadne.quant;

import dev.ariadne.tensor.GGMLType;

import java.lang.foreign.MemorySegment;

/**
 * Writes float values in a weight format. Used to build dummy-weight models for benchmarks (vLLM's
 * {@code --load-format dummy}) and seeded inputs for kernel tests. The K-quant quantizers need not search scales as
 * llama.cpp's do; they must round-trip within the format's precision.
 */
public interface Quantizer {
    GGMLType type();

    /** Stores {@code src[srcOff .. srcOff+count)} at byte {@code offset} of {@code dst}; count is whole blocks. */
    void quantize(float[] src, int srcOff, int count, MemorySegment dst, long offset);
}
