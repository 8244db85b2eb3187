package dev.ariadne.quant;

import dev.ariadne.tensor.GGMLType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.ariadne.quant.VectorShapes.B;
import static dev.ariadne.quant.VectorShapes.F;
import static dev.ariadne.quant.VectorShapes.LANES;
import static dev.ariadne.quant.VectorShapes.LE;

/**
 * ggml Q8_0: blocks of 32 values, {@code [f16 d][32 x int8 q]} = 34 bytes; value = d * q.
 */
public final class Q8_0 {
    private Q8_0() {
    }

    public static final int BLOCK = 32;
    public static final int BLOCK_BYTES = 34;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    public static final RowKernel SCALAR = new RowKernel() {
        @Override
        public GGMLType type() {
            return GGMLType.Q8_0;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int count) {
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                float d = Float.float16ToFloat(w.get(SHORT, bo));
                for (int j = 0; j < BLOCK; j++) {
                    dst[dstOff + b * BLOCK + j] = d * w.get(ValueLayout.JAVA_BYTE, bo + 2 + j);
                }
            }
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int count) {
            float sum = 0f;
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                float blockSum = 0f;
                for (int j = 0; j < BLOCK; j++) {
                    blockSum += w.get(ValueLayout.JAVA_BYTE, bo + 2 + j) * x[xOff + b * BLOCK + j];
                }
                sum += blockSum * Float.float16ToFloat(w.get(SHORT, bo));
            }
            return sum;
        }
    };

    public static final RowKernel VECTOR = new RowKernel() {
        @Override
        public DecodePath decodePath() {
            return DecodePath.COPIED_ROWS;
        }

        @Override
        public GGMLType type() {
            return GGMLType.Q8_0;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int count) {
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(w.get(SHORT, bo)));
                for (int j = 0; j < BLOCK; j += LANES) {
                    quants(w, bo + 2 + j).mul(d).intoArray(dst, dstOff + b * BLOCK + j);
                }
            }
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int count) {
            // Per block: sum q*x in float lanes, then one FMA with the block scale. Two accumulators over
            // alternating blocks keep two independent dependency chains.
            FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
            int blocks = count / BLOCK;
            int b = 0;
            for (; b + 1 < blocks; b += 2) {
                long bo = offset + (long) b * BLOCK_BYTES;
                acc0 = blockSum(w, bo, x, xOff + b * BLOCK)
                        .fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(SHORT, bo))), acc0);
                long bo1 = bo + BLOCK_BYTES;
                acc1 = blockSum(w, bo1, x, xOff + (b + 1) * BLOCK)
                        .fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(SHORT, bo1))), acc1);
            }
            if (b < blocks) {
                long bo = offset + (long) b * BLOCK_BYTES;
                acc0 = blockSum(w, bo, x, xOff + b * BLOCK)
                        .fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(SHORT, bo))), acc0);
            }
            return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }

        /**
         * One block's {@code sum q*x} in float lanes. Each load widens LANES bytes to LANES floats (a conversion with
         * equal lane counts): loading 2*LANES bytes and widening by parts measured ~15% faster in isolation, but C2
         * sometimes fails to intrinsify the part conversion, and the kernel then runs 3x slower.
         */
        private FloatVector blockSum(MemorySegment w, long bo, float[] x, int xo) {
            FloatVector s = quants(w, bo + 2).mul(FloatVector.fromArray(F, x, xo));
            for (int j = LANES; j < BLOCK; j += LANES) {
                s = quants(w, bo + 2 + j).fma(FloatVector.fromArray(F, x, xo + j), s);
            }
            return s;
        }

        private FloatVector quants(MemorySegment w, long byteOffset) {
            return (FloatVector) ByteVector.fromMemorySegment(B, w, byteOffset, LE)
                    .convertShape(VectorOperators.B2F, F, 0);
        }
    };

    /** As ggml's quantize_row_q8_0_ref: d = max|x| / 127, q = round(x / d). */
    public static final Quantizer QUANTIZER = new Quantizer() {
        @Override
        public GGMLType type() {
            return GGMLType.Q8_0;
        }

        @Override
        public void quantize(float[] src, int srcOff, int count, MemorySegment dst, long offset) {
            for (int b = 0; b < count / BLOCK; b++) {
                int so = srcOff + b * BLOCK;
                long bo = offset + (long) b * BLOCK_BYTES;
                float amax = 0f;
                for (int j = 0; j < BLOCK; j++) amax = Math.max(amax, Math.abs(src[so + j]));
                float d = amax / 127f;
                float id = d != 0f ? 1f / d : 0f;
                dst.set(SHORT, bo, Float.floatToFloat16(d));
                for (int j = 0; j < BLOCK; j++) {
                    dst.set(ValueLayout.JAVA_BYTE, bo + 2 + j, (byte) WeightFormat.roundHalfAway(src[so + j] * id));
                }
            }
        }
    };
}
