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
 * ggml Q5_K: super-blocks of 256 values, {@code [f16 d][f16 dmin][12 bytes scales][32 x u8 qh][128 x u8 qs]} = 176
 * bytes (header in {@link KScales}). As Q4_K, chunk c of 64 values takes its low four bits from qs[32c .. 32c+32)
 * (value 64c + l low nibble, value 64c + 32 + l high nibble); the fifth bit of value 64c + l is bit 2c of qh[l], that
 * of value 64c + 32 + l bit 2c + 1; value = d * scale_j * q - dmin * min_j.
 */
public final class Q5_K {
    private Q5_K() {
    }

    public static final int BLOCK = 256;
    public static final int BLOCK_BYTES = 176;
    private static final int QH = 16;
    private static final int QS = 48;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    public static final RowKernel SCALAR = new RowKernel() {
        @Override
        public GGMLType type() {
            return GGMLType.Q5_K;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int count) {
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                float d = KScales.d(w, bo), dmin = KScales.dmin(w, bo);
                for (int c = 0; c < 4; c++) {
                    float d1 = d * KScales.scale(w, bo, 2 * c), m1 = dmin * KScales.min(w, bo, 2 * c);
                    float d2 = d * KScales.scale(w, bo, 2 * c + 1), m2 = dmin * KScales.min(w, bo, 2 * c + 1);
                    int o = dstOff + b * BLOCK + 64 * c;
                    for (int l = 0; l < 32; l++) {
                        dst[o + l] = d1 * q0(w, bo, c, l) - m1;
                        dst[o + 32 + l] = d2 * q1(w, bo, c, l) - m2;
                    }
                }
            }
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int count) {
            float sum = 0f;
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                float d = KScales.d(w, bo), dmin = KScales.dmin(w, bo);
                for (int c = 0; c < 4; c++) {
                    int o = xOff + b * BLOCK + 64 * c;
                    float qx1 = 0f, x1 = 0f, qx2 = 0f, x2 = 0f;
                    for (int l = 0; l < 32; l++) {
                        qx1 += q0(w, bo, c, l) * x[o + l];
                        x1 += x[o + l];
                        qx2 += q1(w, bo, c, l) * x[o + 32 + l];
                        x2 += x[o + 32 + l];
                    }
                    sum += d * KScales.scale(w, bo, 2 * c) * qx1 - dmin * KScales.min(w, bo, 2 * c) * x1;
                    sum += d * KScales.scale(w, bo, 2 * c + 1) * qx2 - dmin * KScales.min(w, bo, 2 * c + 1) * x2;
                }
            }
            return sum;
        }

        /** Value 64c + l: low nibble of qs[32c + l], fifth bit = bit 2c of qh[l]. */
        private int q0(MemorySegment w, long bo, int c, int l) {
            int h = (w.get(BYTE, bo + QH + l) >> (2 * c)) & 1;
            return (w.get(BYTE, bo + QS + 32 * c + l) & 0x0F) | (h << 4);
        }

        /** Value 64c + 32 + l: high nibble of qs[32c + l], fifth bit = bit 2c + 1 of qh[l]. */
        private int q1(MemorySegment w, long bo, int c, int l) {
            int h = (w.get(BYTE, bo + QH + l) >> (2 * c + 1)) & 1;
            return ((w.get(BYTE, bo + QS + 32 * c + l) >> 4) & 0x0F) | (h << 4);
        }
    };

    public static final RowKernel VECTOR = new RowKernel() {
        @Override
        public GGMLType type() {
            return GGMLType.Q5_K;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int count) {
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                float d = KScales.d(w, bo), dmin = KScales.dmin(w, bo);
                for (int j = 0; j < KScales.SUB_BLOCKS; j++) {
                    float dj = d * KScales.scale(w, bo, j), mj = dmin * KScales.min(w, bo, j);
                    for (int l = 0; l < 32; l += LANES) {
                        ByteVector q = nibble(load(w, bo + QS + 32 * (j / 2) + l), 4 * (j % 2))
                                .or(fieldAt4(load(w, bo + QH + l), j, 0x10));
                        toFloat(q).mul(dj).sub(mj).intoArray(dst, dstOff + b * BLOCK + 32 * j + l);
                    }
                }
            }
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int count) {
            // Per sub-block j of 32 values: sum q*x and sum x in float lanes, then one FMA each with d*scale_j and
            // dmin*min_j (sum (d*s*q - m)*x = d*s*sum(q*x) - m*sum(x)). The loop runs over chunks of 64 values (two
            // sub-blocks, the low and high nibbles of the same 32 bytes) into four accumulators; the header is read
            // once per super-block as three words, so the scalar work per value stays small next to the vector work.
            FloatVector accQ0 = FloatVector.zero(F), accQ1 = accQ0, accM0 = accQ0, accM1 = accQ0;
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                float d = KScales.d(w, bo), dmin = KScales.dmin(w, bo);
                long t0 = KScales.table0(w, bo);
                int t1 = KScales.table1(w, bo);
                for (int c = 0; c < 4; c++) {
                    int xo = xOff + b * BLOCK + 64 * c;
                    FloatVector qx0 = FloatVector.zero(F), qx1 = qx0, xs0 = qx0, xs1 = qx0;
                    for (int l = 0; l < 32; l += LANES) {
                        ByteVector packed = load(w, bo + QS + 32 * c + l);
                        ByteVector qh = load(w, bo + QH + l);
                        FloatVector x0 = FloatVector.fromArray(F, x, xo + l);
                        FloatVector x1 = FloatVector.fromArray(F, x, xo + 32 + l);
                        // Four low bits from a nibble of qs, the fifth from bit 2c (2c + 1) of qh[l], moved to bit
                        // 4 with two 16-bit shifts and a byte mask.
                        qx0 = toFloat(packed.and((byte) 0x0F).or(fieldAt4(qh, 2 * c, 0x10))).fma(x0, qx0);
                        qx1 = toFloat(nibble(packed, 4).or(fieldAt4(qh, 2 * c + 1, 0x10))).fma(x1, qx1);
                        xs0 = xs0.add(x0);
                        xs1 = xs1.add(x1);
                    }
                    accQ0 = qx0.fma(FloatVector.broadcast(F, d * KScales.scale(t0, t1, 2 * c)), accQ0);
                    accM0 = xs0.fma(FloatVector.broadcast(F, dmin * KScales.min(t0, t1, 2 * c)), accM0);
                    accQ1 = qx1.fma(FloatVector.broadcast(F, d * KScales.scale(t0, t1, 2 * c + 1)), accQ1);
                    accM1 = xs1.fma(FloatVector.broadcast(F, dmin * KScales.min(t0, t1, 2 * c + 1)), accM1);
                }
            }
            return accQ0.add(accQ1).reduceLanes(VectorOperators.ADD)
                    - accM0.add(accM1).reduceLanes(VectorOperators.ADD);
        }
    };

    /** Simple scales and mins ({@link KScales#quantize}), levels 0..31. */
    public static final Quantizer QUANTIZER = new Quantizer() {
        @Override
        public GGMLType type() {
            return GGMLType.Q5_K;
        }

        @Override
        public void quantize(float[] src, int srcOff, int count, MemorySegment dst, long offset) {
            int[] levels = new int[BLOCK];
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                KScales.quantize(src, srcOff + b * BLOCK, 31, dst, bo, levels);
                int[] qh = new int[32];
                for (int c = 0; c < 4; c++) {
                    for (int l = 0; l < 32; l++) {
                        int q0 = levels[64 * c + l], q1 = levels[64 * c + 32 + l];
                        dst.set(BYTE, bo + QS + 32 * c + l, (byte) ((q0 & 0x0F) | ((q1 & 0x0F) << 4)));
                        qh[l] |= ((q0 >> 4) << (2 * c)) | ((q1 >> 4) << (2 * c + 1));
                    }
                }
                for (int l = 0; l < 32; l++) {
                    dst.set(BYTE, bo + QH + l, (byte) qh[l]);
                }
            }
        }
    };
}
