package dev.ariadne.quant;

import dev.ariadne.tensor.GGMLType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.ariadne.quant.PackedBytes.load;
import static dev.ariadne.quant.PackedBytes.nibble;
import static dev.ariadne.quant.VectorShapes.F;
import static dev.ariadne.quant.VectorShapes.I;
import static dev.ariadne.quant.VectorShapes.LANES;

/**
 * ggml Q5_0: blocks of 32 values, {@code [f16 d][u32 qh][16 x u8 qs]} = 22 bytes. Byte j of qs holds the low four
 * bits of value j (low nibble) and of value j + 16 (high nibble); bit i of qh is the fifth bit of value i;
 * value = d * (q - 16).
 */
public final class Q5_0 {
    private Q5_0() {
    }

    public static final int BLOCK = 32;
    public static final int BLOCK_BYTES = 22;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    /** Lane i holds i: the per-lane part of the shift that brings a qh bit down to bit 4. */
    private static final IntVector IOTA = IntVector.zero(I).addIndex(1);

    public static final RowKernel SCALAR = new RowKernel() {
        @Override
        public GGMLType type() {
            return GGMLType.Q5_0;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int count) {
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                float d = Float.float16ToFloat(w.get(SHORT, bo));
                int qh = w.get(INT, bo + 2);
                int o = dstOff + b * BLOCK;
                for (int j = 0; j < BLOCK / 2; j++) {
                    dst[o + j] = (q0(w, bo, qh, j) - 16) * d;
                    dst[o + j + BLOCK / 2] = (q1(w, bo, qh, j) - 16) * d;
                }
            }
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int count) {
            float sum = 0f;
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                int qh = w.get(INT, bo + 2);
                int o = xOff + b * BLOCK;
                float blockSum = 0f;
                for (int j = 0; j < BLOCK / 2; j++) {
                    blockSum += (q0(w, bo, qh, j) - 16) * x[o + j] + (q1(w, bo, qh, j) - 16) * x[o + j + BLOCK / 2];
                }
                sum += blockSum * Float.float16ToFloat(w.get(SHORT, bo));
            }
            return sum;
        }

        /** Value j (0..15): low nibble of qs[j], fifth bit qh bit j. */
        private int q0(MemorySegment w, long bo, int qh, int j) {
            return (w.get(BYTE, bo + 6 + j) & 0x0F) | (((qh >>> j) << 4) & 0x10);
        }

        /** Value j + 16: high nibble of qs[j], fifth bit qh bit j + 16. */
        private int q1(MemorySegment w, long bo, int qh, int j) {
            return ((w.get(BYTE, bo + 6 + j) >> 4) & 0x0F) | ((qh >>> (j + 12)) & 0x10);
        }
    };

    public static final RowKernel VECTOR = new RowKernel() {
        @Override
        public GGMLType type() {
            return GGMLType.Q5_0;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int count) {
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                float d = Float.float16ToFloat(w.get(SHORT, bo));
                int qh = w.get(INT, bo + 2);
                for (int u = 0; u < BLOCK; u += LANES) {
                    levels(w, bo, qh, u).mul(d).intoArray(dst, dstOff + b * BLOCK + u);
                }
            }
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int count) {
            // Per block: sum q*x in float lanes, then one FMA with the block scale. Two accumulators, swapped after
            // every block, keep two independent dependency chains; one loop body for all LANES-value units.
            FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                int qh = w.get(INT, bo + 2);
                FloatVector s = FloatVector.zero(F);
                for (int u = 0; u < BLOCK; u += LANES) {
                    // As levels(), written out: a helper that dequantize also makes hot could be compiled on its
                    // own first, and C2 does not inline a callee that is already compiled into a big method.
                    ByteVector low4 = nibble(load(w, bo + 6 + u % 16), 4 * (u / 16));
                    int bits = u < 16 ? qh << 4 : qh >>> 12;
                    IntVector fifth = IntVector.broadcast(I, bits).lanewise(VectorOperators.LSHR, IOTA.add(u % 16))
                            .and(0x10);
                    IntVector q = ((IntVector) low4.convertShape(VectorOperators.B2I, I, 0)).or(fifth).sub(16);
                    s = ((FloatVector) q.convertShape(VectorOperators.I2F, F, 0))
                            .fma(FloatVector.fromArray(F, x, xOff + b * BLOCK + u), s);
                }
                FloatVector next = s.fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(SHORT, bo))), acc0);
                acc0 = acc1;
                acc1 = next;
            }
            return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }

        /**
         * Levels minus 16 of values u..u+LANES-1. The fifth bits are put together in the int lanes that the
         * byte-to-float widening passes through anyway: qh is pre-shifted so that a per-lane shift by (u % 16 + lane)
         * lands each lane's bit at bit 4 (one variable shift, no byte shuffles).
         */
        private FloatVector levels(MemorySegment w, long bo, int qh, int u) {
            ByteVector low4 = nibble(load(w, bo + 6 + u % 16), 4 * (u / 16));
            int bits = u < 16 ? qh << 4 : qh >>> 12;
            IntVector fifth = IntVector.broadcast(I, bits).lanewise(VectorOperators.LSHR, IOTA.add(u % 16)).and(0x10);
            IntVector q = ((IntVector) low4.convertShape(VectorOperators.B2I, I, 0)).or(fifth).sub(16);
            return (FloatVector) q.convertShape(VectorOperators.I2F, F, 0);
        }
    };

    /**
     * As ggml's quantize_row_q5_0_ref: the value of largest magnitude maps to -16 (d = max / -16), the others to
     * {@code min(31, (int) (x / d + 16.5))}.
     */
    public static final Quantizer QUANTIZER = new Quantizer() {
        @Override
        public GGMLType type() {
            return GGMLType.Q5_0;
        }

        @Override
        public void quantize(float[] src, int srcOff, int count, MemorySegment dst, long offset) {
            for (int b = 0; b < count / BLOCK; b++) {
                int so = srcOff + b * BLOCK;
                long bo = offset + (long) b * BLOCK_BYTES;
                float amax = 0f, max = 0f;
                for (int j = 0; j < BLOCK; j++) {
                    float v = src[so + j];
                    if (amax < Math.abs(v)) {
                        amax = Math.abs(v);
                        max = v;
                    }
                }
                float d = max / -16f;
                float id = d != 0f ? 1f / d : 0f;
                dst.set(SHORT, bo, Float.floatToFloat16(d));
                int qh = 0;
                for (int j = 0; j < BLOCK / 2; j++) {
                    int q0 = Math.min(31, (byte) (int) (src[so + j] * id + 16.5f));
                    int q1 = Math.min(31, (byte) (int) (src[so + j + BLOCK / 2] * id + 16.5f));
                    dst.set(BYTE, bo + 6 + j, (byte) ((q0 & 0x0F) | ((q1 & 0x0F) << 4)));
                    qh |= ((q0 & 0x10) >>> 4) << j;
                    qh |= ((q1 & 0x10) >>> 4) << (j + BLOCK / 2);
                }
                dst.set(INT, bo + 2, qh);
            }
        }
    };
}
