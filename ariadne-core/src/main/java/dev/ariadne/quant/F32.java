package dev.ariadne.quant;

import dev.ariadne.tensor.GGMLType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.ariadne.quant.VectorShapes.F;
import static dev.ariadne.quant.VectorShapes.LANES;
import static dev.ariadne.quant.VectorShapes.LE;

/** Plain little-endian float32 weights. */
public final class F32 {
    private F32() {
    }

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    public static final RowKernel SCALAR = new RowKernel() {
        @Override
        public GGMLType type() {
            return GGMLType.F32;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int count) {
            for (int i = 0; i < count; i++) {
                dst[dstOff + i] = w.get(FLOAT, offset + 4L * i);
            }
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int count) {
            float sum = 0f;
            for (int i = 0; i < count; i++) {
                sum += w.get(FLOAT, offset + 4L * i) * x[xOff + i];
            }
            return sum;
        }
    };

    public static final RowKernel VECTOR = new RowKernel() {
        @Override
        public GGMLType type() {
            return GGMLType.F32;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int count) {
            MemorySegment.copy(w, FLOAT, offset, dst, dstOff, count);
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int count) {
            // Four accumulators hide the FMA latency; the tail is scalar.
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            int i = 0;
            int bound4 = count - count % (4 * LANES);
            for (; i < bound4; i += 4 * LANES) {
                long o = offset + 4L * i;
                a0 = FloatVector.fromMemorySegment(F, w, o, LE).fma(FloatVector.fromArray(F, x, xOff + i), a0);
                a1 = FloatVector.fromMemorySegment(F, w, o + 4L * LANES, LE)
                        .fma(FloatVector.fromArray(F, x, xOff + i + LANES), a1);
                a2 = FloatVector.fromMemorySegment(F, w, o + 8L * LANES, LE)
                        .fma(FloatVector.fromArray(F, x, xOff + i + 2 * LANES), a2);
                a3 = FloatVector.fromMemorySegment(F, w, o + 12L * LANES, LE)
                        .fma(FloatVector.fromArray(F, x, xOff + i + 3 * LANES), a3);
            }
            int bound = count - count % LANES;
            for (; i < bound; i += LANES) {
                a0 = FloatVector.fromMemorySegment(F, w, offset + 4L * i, LE)
                        .fma(FloatVector.fromArray(F, x, xOff + i), a0);
            }
            float sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
            for (; i < count; i++) {
                sum += w.get(FLOAT, offset + 4L * i) * x[xOff + i];
            }
            return sum;
        }
    };

    public static final Quantizer QUANTIZER = new Quantizer() {
        @Override
        public GGMLType type() {
            return GGMLType.F32;
        }

        @Override
        public void quantize(float[] src, int srcOff, int count, MemorySegment dst, long offset) {
            MemorySegment.copy(src, srcOff, dst, FLOAT, offset, count);
        }
    };
}
