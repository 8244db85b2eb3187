package dev.ariadne.quant;

import dev.ariadne.tensor.GGMLType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.ariadne.quant.PackedBytes.LEVELS_4BIT;
import static dev.ariadne.quant.PackedBytes.LOOKUP_4BIT;
import static dev.ariadne.quant.PackedBytes.load;
import static dev.ariadne.quant.PackedBytes.lookup;
import static dev.ariadne.quant.PackedBytes.nibble;
import static dev.ariadne.quant.PackedBytes.toFloat;
import static dev.ariadne.quant.PackedBytes.widenUnsigned;
import static dev.ariadne.quant.VectorShapes.F;
import static dev.ariadne.quant.VectorShapes.LANES;

/**
 * ggml Q4_0: blocks of 32 values, {@code [f16 d][16 x u8 qs]} = 18 bytes. Byte j holds value j in its low nibble and
 * value j + 16 in its high nibble; value = d * (nibble - 8).
 */
public final class Q4_0 {
    private Q4_0() {
    }

    public static final int BLOCK = 32;
    public static final int BLOCK_BYTES = 18;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    public static final RowKernel SCALAR = new RowKernel() {
        @Override
        public GGMLType type() {
            return GGMLType.Q4_0;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int count) {
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                float d = Float.float16ToFloat(w.get(SHORT, bo));
                int o = dstOff + b * BLOCK;
                for (int j = 0; j < BLOCK / 2; j++) {
                    int q = w.get(BYTE, bo + 2 + j);
                    dst[o + j] = ((q & 0x0F) - 8) * d;
                    dst[o + j + BLOCK / 2] = (((q >> 4) & 0x0F) - 8) * d;
                }
            }
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int count) {
            float sum = 0f;
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                int o = xOff + b * BLOCK;
                float blockSum = 0f;
                for (int j = 0; j < BLOCK / 2; j++) {
                    int q = w.get(BYTE, bo + 2 + j);
                    blockSum += ((q & 0x0F) - 8) * x[o + j] + (((q >> 4) & 0x0F) - 8) * x[o + j + BLOCK / 2];
                }
                sum += blockSum * Float.float16ToFloat(w.get(SHORT, bo));
            }
            return sum;
        }
    };

    public static final RowKernel VECTOR = new RowKernel() {
        /** Levels -8..7 in lanes 0..15: a block's lookup table is this times d. */
        private static final FloatVector LEVELS = LEVELS_4BIT.sub(8f);

        @Override
        public GGMLType type() {
            return GGMLType.Q4_0;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int count) {
            if (LOOKUP_4BIT) {
                for (int b = 0; b < count / BLOCK; b++) {
                    long bo = offset + (long) b * BLOCK_BYTES;
                    FloatVector table = LEVELS.mul(Float.float16ToFloat(w.get(SHORT, bo)));
                    IntVector q = widenUnsigned(load(w, bo + 2));
                    lookup(q, table).intoArray(dst, dstOff + b * BLOCK);
                    lookup(q.lanewise(VectorOperators.LSHR, 4), table).intoArray(dst, dstOff + b * BLOCK + 16);
                }
                return;
            }
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                float d = Float.float16ToFloat(w.get(SHORT, bo));
                for (int u = 0; u < BLOCK; u += LANES) {
                    ByteVector q = nibble(load(w, bo + 2 + u % 16), 4 * (u / 16)).sub((byte) 8);
                    toFloat(q).mul(d).intoArray(dst, dstOff + b * BLOCK + u);
                }
            }
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int count) {
            return LOOKUP_4BIT ? dotLookup(w, offset, x, xOff, count) : dotWidened(w, offset, x, xOff, count);
        }

        /**
         * With 16 float lanes: per block, the level table d * (i - 8) (one multiply), the 16 packed bytes widened once
         * and looked up twice (low nibbles: values 0..15, high nibbles: 16..31), each straight into an FMA with the
         * activations. Against widening and converting (below): Q4_0 3.9 -> 2.8 ms for a 32,768 x 1,024 matrix from
         * memory, 50 -> 37 us from cache (DecodeMatMulBenchmark, one thread).
         */
        private float dotLookup(MemorySegment w, long offset, float[] x, int xOff, int count) {
            FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                int xo = xOff + b * BLOCK;
                FloatVector table = LEVELS.mul(Float.float16ToFloat(w.get(SHORT, bo)));
                IntVector q = widenUnsigned(load(w, bo + 2));
                acc0 = lookup(q, table).fma(FloatVector.fromArray(F, x, xo), acc0);
                acc1 = lookup(q.lanewise(VectorOperators.LSHR, 4), table)
                        .fma(FloatVector.fromArray(F, x, xo + 16), acc1);
            }
            return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }

        private float dotWidened(MemorySegment w, long offset, float[] x, int xOff, int count) {
            // Per block: sum q*x in float lanes, then one FMA with the block scale. Two accumulators, swapped after
            // every block, keep two independent dependency chains; the loop body is written once (values u..u+LANES
            // of the block: low nibbles for u < 16, high ones after) so that C2's node budget inlines all of it.
            FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                int xo = xOff + b * BLOCK;
                FloatVector s = FloatVector.zero(F);
                for (int u = 0; u < BLOCK; u += LANES) {
                    // The -8 offset is applied on bytes, before widening: one op per LANES values.
                    ByteVector q = nibble(load(w, bo + 2 + u % 16), 4 * (u / 16)).sub((byte) 8);
                    s = toFloat(q).fma(FloatVector.fromArray(F, x, xo + u), s);
                }
                FloatVector next = s.fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(SHORT, bo))), acc0);
                acc0 = acc1;
                acc1 = next;
            }
            return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
    };

    /**
     * As ggml's quantize_row_q4_0_ref: the value of largest magnitude maps to -8 (d = max / -8), the others to
     * {@code min(15, (int) (x / d + 8.5))}.
     */
    public static final Quantizer QUANTIZER = new Quantizer() {
        @Override
        public GGMLType type() {
            return GGMLType.Q4_0;
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
                float d = max / -8f;
                float id = d != 0f ? 1f / d : 0f;
                dst.set(SHORT, bo, Float.floatToFloat16(d));
                for (int j = 0; j < BLOCK / 2; j++) {
                    int q0 = Math.min(15, (byte) (int) (src[so + j] * id + 8.5f));
                    int q1 = Math.min(15, (byte) (int) (src[so + j + BLOCK / 2] * id + 8.5f));
                    dst.set(BYTE, bo + 2 + j, (byte) (q0 | (q1 << 4)));
                }
            }
        }
    };
}
