package dev.ariadne.quant;

import dev.ariadne.tensor.GGMLType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.ariadne.quant.PackedBytes.fieldAt4;
import static dev.ariadne.quant.PackedBytes.load;
import static dev.ariadne.quant.PackedBytes.nibble;
import static dev.ariadne.quant.PackedBytes.toFloat;
import static dev.ariadne.quant.VectorShapes.F;
import static dev.ariadne.quant.VectorShapes.LANES;

/**
 * ggml Q6_K: super-blocks of 256 values, {@code [128 x u8 ql][64 x u8 qh][16 x i8 scales][f16 d]} = 210 bytes; one
 * scale per 16 values; value = d * scale * (q - 32), q in 0..63. Each half h of 128 values uses ql[64h ..),
 * qh[32h ..) and scales[8h ..); for l in 0..31 (n = 128h + l):
 *
 * <pre>
 * value n      : ql[l]      low nibble | qh[l] bits 0..1 << 4    scales[8h + l/16]
 * value n + 32 : ql[l + 32] low nibble | qh[l] bits 2..3 << 4    scales[8h + l/16 + 2]
 * value n + 64 : ql[l]      high nibble | qh[l] bits 4..5 << 4    scales[8h + l/16 + 4]
 * value n + 96 : ql[l + 32] high nibble | qh[l] bits 6..7 << 4    scales[8h + l/16 + 6]
 * </pre>
 */
public final class Q6_K {
    private Q6_K() {
    }

    public static final int BLOCK = 256;
    public static final int BLOCK_BYTES = 210;
    private static final int QH = 128;
    private static final int SCALES = 192;
    private static final int D = 208;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    public static final RowKernel SCALAR = new RowKernel() {
        @Override
        public GGMLType type() {
            return GGMLType.Q6_K;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int count) {
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                float d = Float.float16ToFloat(w.get(SHORT, bo + D));
                for (int h = 0; h < 2; h++) {
                    for (int k = 0; k < 4; k++) {
                        for (int l = 0; l < 32; l++) {
                            int scale = w.get(BYTE, bo + SCALES + 8 * h + 2 * k + l / 16);
                            dst[dstOff + b * BLOCK + 128 * h + 32 * k + l] = d * scale * level(w, bo, h, k, l);
                        }
                    }
                }
            }
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int count) {
            float sum = 0f;
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                float d = Float.float16ToFloat(w.get(SHORT, bo + D));
                for (int h = 0; h < 2; h++) {
                    for (int k = 0; k < 4; k++) {
                        for (int g = 0; g < 2; g++) {
                            float groupSum = 0f;
                            for (int l = 16 * g; l < 16 * g + 16; l++) {
                                groupSum += level(w, bo, h, k, l) * x[xOff + b * BLOCK + 128 * h + 32 * k + l];
                            }
                            sum += d * w.get(BYTE, bo + SCALES + 8 * h + 2 * k + g) * groupSum;
                        }
                    }
                }
            }
            return sum;
        }

        /** Level minus 32 of value 128h + 32k + l, per the table in the class comment. */
        private int level(MemorySegment w, long bo, int h, int k, int l) {
            int ql = w.get(BYTE, bo + 64 * h + 32 * (k % 2) + l) >> (4 * (k / 2));
            int qh = w.get(BYTE, bo + QH + 32 * h + l) >> (2 * k);
            return ((ql & 0x0F) | ((qh & 3) << 4)) - 32;
        }
    };

    public static final RowKernel VECTOR = new RowKernel() {
        @Override
        public GGMLType type() {
            return GGMLType.Q6_K;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int count) {
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                float d = Float.float16ToFloat(w.get(SHORT, bo + D));
                for (int g = 0; g < 16; g++) {
                    float ds = d * w.get(BYTE, bo + SCALES + g);
                    for (int l = 0; l < 16; l += LANES) {
                        toFloat(levels(w, bo, g, l)).mul(ds).intoArray(dst, dstOff + b * BLOCK + 16 * g + l);
                    }
                }
            }
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int count) {
            // The decode path (MatMul) always passes group sums; a caller without them (tests, tools) gets them
            // computed here, at the cost of one small array per call, instead of a second copy of the kernel.
            float[] sums = new float[count / RowKernel.SUM_GROUP];
            for (int g = 0; g < sums.length; g++) {
                for (int i = 0; i < RowKernel.SUM_GROUP; i++) sums[g] += x[xOff + RowKernel.SUM_GROUP * g + i];
            }
            return dot(w, offset, x, xOff, sums, 0, count);
        }

        @Override
        public boolean usesGroupSums() {
            return true;
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, float[] xSums, int xSumsOff, int count) {
            // sum_g d*scale_g*sum((q - 32)*x) = sum_g d*scale_g*sum(q*x) - 32 * sum_g d*scale_g*sum(x_g): the -32 out
            // of the loop, the second term one vector multiply-add per super-block from the caller's group sums (one
            // group of 16 is one scale). One loop step takes LANES bytes of ql and qh and makes two quarters from
            // them (low nibbles: quarter p, high nibbles: quarter p + 2), into two accumulators; a step of all four
            // quarters exceeds C2's inlining node budget and leaves vectors boxed. Each 2-bit field of qh moves to
            // bits 4..5 with one shift (or none). One thread, a 32,768 x 1,024 matrix (DecodeMatMulBenchmark):
            // 8.1 -> 6.2 ms against subtracting 32 on bytes in the loop; 512 rows (cache) 108 -> 85 us. (The offset
            // taken out with a scalar loop over the sums measured 20% slower; the same sum split into a levels pass
            // and an offsets pass, 37% slower.)
            FloatVector accLow = FloatVector.zero(F), accHigh = accLow, offsets = accLow;
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                float d = Float.float16ToFloat(w.get(SHORT, bo + D));
                for (int g = 0; g < 16; g += LANES) {
                    offsets = toFloat(load(w, bo + SCALES + g)).mul(d)
                            .fma(FloatVector.fromArray(F, xSums, xSumsOff + 16 * b + g), offsets);
                }
                for (int hp = 0; hp < 4; hp++) {
                    int h = hp / 2, p = hp % 2;
                    long ql = bo + 64 * h + 32 * p, qh = bo + QH + 32 * h, sc = bo + SCALES + 8 * h + 2 * p;
                    int xo = xOff + b * BLOCK + 128 * h + 32 * p;
                    for (int l = 0; l < 32; l += LANES) {
                        ByteVector packed = load(w, ql + l), high2 = load(w, qh + l);
                        ByteVector low2 = p == 0 ? shiftLeft(high2, 4) : shiftLeft(high2, 2); // field p at bits 4..5
                        ByteVector upper2 = p == 0 ? high2 : shiftRight(high2, 2); // field p + 2 at bits 4..5
                        ByteVector qLow = packed.and((byte) 0x0F).or(low2.and((byte) 0x30));
                        ByteVector qHigh = nibble(packed, 4).or(upper2.and((byte) 0x30));
                        long s = sc + l / 16;
                        accLow = toFloat(qLow).mul(FloatVector.fromArray(F, x, xo + l))
                                .fma(FloatVector.broadcast(F, d * w.get(BYTE, s)), accLow);
                        accHigh = toFloat(qHigh).mul(FloatVector.fromArray(F, x, xo + 64 + l))
                                .fma(FloatVector.broadcast(F, d * w.get(BYTE, s + 4)), accHigh);
                    }
                }
            }
            return accLow.add(accHigh).sub(offsets.mul(32f)).reduceLanes(VectorOperators.ADD);
        }

        private static ByteVector shiftLeft(ByteVector v, int bits) {
            return v.reinterpretAsShorts().lanewise(VectorOperators.LSHL, bits).reinterpretAsBytes();
        }

        private static ByteVector shiftRight(ByteVector v, int bits) {
            return v.reinterpretAsShorts().lanewise(VectorOperators.LSHR, bits).reinterpretAsBytes();
        }

        /**
         * Levels minus 32 of values 16g + l .. + LANES: group g lies in half h = g / 8, quarter k = (g / 2) % 4, at
         * offset 16 * (g % 2) within the quarter's 32 (see the class comment). The offset is subtracted on bytes,
         * before widening.
         */
        private ByteVector levels(MemorySegment w, long bo, int g, int l) {
            int h = g / 8, k = (g / 2) % 4, at = 16 * (g % 2) + l;
            ByteVector low4 = nibble(load(w, bo + 64 * h + 32 * (k % 2) + at), 4 * (k / 2));
            ByteVector high2 = fieldAt4(load(w, bo + QH + 32 * h + at), 2 * k, 0x30);
            return low4.or(high2).sub((byte) 32);
        }
    };

    /**
     * Simple, non-searching scales: in each group of 16 the value of largest magnitude maps to level -32 (group scale
     * = that value / -32), as Q4_0 does per block. The group scales are stored as int8 multiples of d = (largest
     * group scale) / -128, d and the multiples rounded away from zero, so that no value is clipped beyond the one
     * level that the asymmetric range -32..31 costs.
     */
    public static final Quantizer QUANTIZER = new Quantizer() {
        @Override
        public GGMLType type() {
            return GGMLType.Q6_K;
        }

        @Override
        public void quantize(float[] src, int srcOff, int count, MemorySegment dst, long offset) {
            float[] groupScale = new float[16];
            int[] levels = new int[BLOCK];
            for (int b = 0; b < count / BLOCK; b++) {
                int so = srcOff + b * BLOCK;
                long bo = offset + (long) b * BLOCK_BYTES;
                float maxScale = 0f;
                for (int g = 0; g < 16; g++) {
                    float amax = 0f, max = 0f;
                    for (int l = 0; l < 16; l++) {
                        float v = src[so + 16 * g + l];
                        if (amax < Math.abs(v)) {
                            amax = Math.abs(v);
                            max = v;
                        }
                    }
                    groupScale[g] = max / -32f;
                    if (Math.abs(groupScale[g]) > Math.abs(maxScale)) {
                        maxScale = groupScale[g];
                    }
                }
                short dBits = HalfFloats.floatToF16NotSmaller(maxScale / -128f);
                float d = Float.float16ToFloat(dBits);
                dst.asSlice(bo, BLOCK_BYTES).fill((byte) 0);
                dst.set(SHORT, bo + D, dBits);
                for (int g = 0; g < 16; g++) {
                    float r = d != 0f ? groupScale[g] / d : 0f;
                    int sc = r >= 0f ? Math.min(127, (int) Math.ceil(r)) : Math.max(-128, (int) Math.floor(r));
                    dst.set(BYTE, bo + SCALES + g, (byte) sc);
                    float step = d * sc;
                    for (int l = 0; l < 16; l++) {
                        int q = step != 0f ? WeightFormat.roundHalfAway(src[so + 16 * g + l] / step) : 0;
                        levels[16 * g + l] = Math.max(-32, Math.min(31, q)) + 32;
                    }
                }
                for (int h = 0; h < 2; h++) {
                    for (int l = 0; l < 32; l++) {
                        int n = 128 * h + l;
                        int q0 = levels[n], q1 = levels[n + 32], q2 = levels[n + 64], q3 = levels[n + 96];
                        dst.set(BYTE, bo + 64 * h + l, (byte) ((q0 & 0x0F) | ((q2 & 0x0F) << 4)));
                        dst.set(BYTE, bo + 64 * h + 32 + l, (byte) ((q1 & 0x0F) | ((q3 & 0x0F) << 4)));
                        dst.set(BYTE, bo + QH + 32 * h + l,
                                (byte) ((q0 >> 4) | ((q1 >> 4) << 2) | ((q2 >> 4) << 4) | ((q3 >> 4) << 6)));
                    }
                }
            }
        }
    };
}
