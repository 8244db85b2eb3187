package dev.ariadne.quant;

import dev.ariadne.tensor.GGMLType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.ariadne.quant.VectorShapes.F;
import static dev.ariadne.quant.VectorShapes.LANES;
import static dev.ariadne.quant.VectorShapes.LE;
import static dev.ariadne.quant.VectorShapes.S;

/** IEEE half-precision weights (ggml F16). */
public final class F16 {
    private F16() {
    }

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    public static final RowKernel SCALAR = new RowKernel() {
        @Override
        public GGMLType type() {
            return GGMLType.F16;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int count) {
            for (int i = 0; i < count; i++) {
                dst[dstOff + i] = Float.float16ToFloat(w.get(SHORT, offset + 2L * i));
            }
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int count) {
            float sum = 0f;
            for (int i = 0; i < count; i++) {
                sum += Float.float16ToFloat(w.get(SHORT, offset + 2L * i)) * x[xOff + i];
            }
            return sum;
        }
    };

    public static final RowKernel VECTOR = new RowKernel() {
        @Override
        public DecodePath decodePath() {
            return DecodePath.DEQUANTIZED_ROWS;
        }

        @Override
        public GGMLType type() {
            return GGMLType.F16;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int count) {
            // A plain loop on purpose: C2's auto-vectorizer turns it into vcvtph2ps (one instruction per 16
            // values), which the Vector API has no lane-wise operation for; its integer rebuild of the bits takes
            // seven. Measured 26 Gvalues/s on one thread from L2, about three times the fused dot's rate.
            for (int i = 0; i < count; i++) {
                dst[dstOff + i] = Float.float16ToFloat(w.get(SHORT, offset + 2L * i));
            }
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int count) {
            // Two accumulators: the f16 widening is the bottleneck, not the FMA latency.
            FloatVector a0 = FloatVector.zero(F), a1 = a0;
            int i = 0;
            int bound2 = count - count % (2 * LANES);
            for (; i < bound2; i += 2 * LANES) {
                a0 = load(w, offset + 2L * i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
                a1 = load(w, offset + 2L * (i + LANES)).fma(FloatVector.fromArray(F, x, xOff + i + LANES), a1);
            }
            int bound = count - count % LANES;
            for (; i < bound; i += LANES) {
                a0 = load(w, offset + 2L * i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
            }
            float sum = a0.add(a1).reduceLanes(VectorOperators.ADD);
            for (; i < count; i++) {
                sum += Float.float16ToFloat(w.get(SHORT, offset + 2L * i)) * x[xOff + i];
            }
            return sum;
        }

        private FloatVector load(MemorySegment w, long byteOffset) {
            return HalfFloats.f16ToFloat(ShortVector.fromMemorySegment(S, w, byteOffset, LE));
        }
    };

    public static final Quantizer QUANTIZER = new Quantizer() {
        @Override
        public GGMLType type() {
            return GGMLType.F16;
        }

        @Override
        public void quantize(float[] src, int srcOff, int count, MemorySegment dst, long offset) {
            for (int i = 0; i < count; i++) {
                dst.set(SHORT, offset + 2L * i, Float.floatToFloat16(src[srcOff + i]));
            }
        }
    };
}
