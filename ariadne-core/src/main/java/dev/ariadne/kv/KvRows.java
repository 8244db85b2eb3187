package dev.ariadne.kv;

import dev.ariadne.quant.HalfFloats;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.quant.RowKernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Writes and reads KV rows (headDim values) in the cache's element type: {@code store} narrows from float once per
 * token; {@code widen} reuses the weight format's vectorized dequantize, so attention widens each row once and
 * serves every query head of its group from floats.
 */
public final class KvRows {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final KvCacheDType dtype;
    private final RowKernel kernel;

    public KvRows(KvCacheDType dtype, KernelProvider kernels) {
        this.dtype = dtype;
        this.kernel = kernels.kernel(dtype.storage);
    }

    public KvCacheDType dtype() {
        return dtype;
    }

    public void store(MemorySegment seg, long offset, float[] src, int srcOff, int n) {
        switch (dtype) {
            case F32 -> MemorySegment.copy(src, srcOff, seg, FLOAT, offset, n);
            case F16 -> {
                for (int i = 0; i < n; i++) seg.set(SHORT, offset + 2L * i, Float.floatToFloat16(src[srcOff + i]));
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) seg.set(SHORT, offset + 2L * i, HalfFloats.floatToBf16(src[srcOff + i]));
            }
        }
    }

    /** {@code dst[dstOff + i] = row[i]} for {@code i < n}: one stored row widened to floats. */
    public void widen(MemorySegment seg, long offset, float[] dst, int dstOff, int n) {
        kernel.dequantize(seg, offset, dst, dstOff, n);
    }
}
