package dev.ariadne.kv;

import dev.ariadne.quant.HalfFloats;
import dev.ariadne.quant.RowKernel;
import dev.ariadne.quant.KernelProvider;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.ariadne.quant.VectorShapes.F;
import static dev.ariadne.quant.VectorShapes.LANES;
import static dev.ariadne.quant.VectorShapes.LE;
import static dev.ariadne.quant.VectorShapes.S;

/**
 * Reads and writes one KV row (headDim values) in the cache's element type: store converts from float, dot reuses
 * the weight format's row kernel, and addValue is a fused widen-and-axpy.
 */
public final class KvRows {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final KvCacheDType dtype;
    private final RowKernel kernel;
    private final boolean vectorized;

    public KvRows(KvCacheDType dtype, KernelProvider kernels) {
        this.dtype = dtype;
        this.kernel = kernels.kernel(dtype.storage);
        this.vectorized = kernels.vectorized();
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

    public float dot(MemorySegment seg, long offset, float[] q, int qOff, int n) {
        return kernel.dot(seg, offset, q, qOff, n);
    }

    public void addScaled(MemorySegment seg, long offset, float weight, float[] out, int outOff, int n) {
        int i = 0;
        if (vectorized) {
            FloatVector w = FloatVector.broadcast(F, weight);
            int bound = n - n % LANES;
            for (; i < bound; i += LANES) {
                FloatVector v = switch (dtype) {
                    case F32 -> FloatVector.fromMemorySegment(F, seg, offset + 4L * i, LE);
                    case F16 -> HalfFloats.f16ToFloat(ShortVector.fromMemorySegment(S, seg, offset + 2L * i, LE), F);
                    case BF16 -> HalfFloats.bf16ToFloat(ShortVector.fromMemorySegment(S, seg, offset + 2L * i, LE), F);
                };
                v.fma(w, FloatVector.fromArray(F, out, outOff + i)).intoArray(out, outOff + i);
            }
        }
        for (; i < n; i++) {
            out[outOff + i] += weight * read(seg, offset, i);
        }
    }

    private float read(MemorySegment seg, long offset, int i) {
        return switch (dtype) {
            case F32 -> seg.get(FLOAT, offset + 4L * i);
            case F16 -> Float.float16ToFloat(seg.get(SHORT, offset + 2L * i));
            case BF16 -> HalfFloats.bf16ToFloat(seg.get(SHORT, offset + 2L * i));
        };
    }
}
