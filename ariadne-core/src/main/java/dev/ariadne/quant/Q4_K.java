package dev.ariadne.quant;

import dev.ariadne.tensor.GGMLType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorShuffle;
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
import static dev.ariadne.quant.VectorShapes.I;
import static dev.ariadne.quant.VectorShapes.LANES;

/**
 * ggml Q4_K: super-blocks of 256 values, {@code [f16 d][f16 dmin][12 bytes scales][128 x u8 qs]} = 144 bytes (header
 * in {@link KScales}). The values come in four chunks of 64: chunk c uses qs[32c .. 32c+32), value 64c + l in the low
 * nibble of byte l (sub-block 2c) and value 64c + 32 + l in its high nibble (sub-block 2c + 1);
 * value = d * scale_j * q - dmin * min_j.
 */
public final class Q4_K {
    private Q4_K() {
    }

    public static final int BLOCK = 256;
    public static final int BLOCK_BYTES = 144;
    private static final int QS = 16;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    public static final RowKernel SCALAR = new RowKernel() {
        @Override
        public GGMLType type() {
            return GGMLType.Q4_K;
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
                        int q = w.get(BYTE, bo + QS + 32 * c + l);
                        dst[o + l] = d1 * (q & 0x0F) - m1;
                        dst[o + 32 + l] = d2 * ((q >> 4) & 0x0F) - m2;
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
                        int q = w.get(BYTE, bo + QS + 32 * c + l);
                        qx1 += (q & 0x0F) * x[o + l];
                        x1 += x[o + l];
                        qx2 += ((q >> 4) & 0x0F) * x[o + 32 + l];
                        x2 += x[o + 32 + l];
                    }
                    sum += d * KScales.scale(w, bo, 2 * c) * qx1 - dmin * KScales.min(w, bo, 2 * c) * x1;
                    sum += d * KScales.scale(w, bo, 2 * c + 1) * qx2 - dmin * KScales.min(w, bo, 2 * c + 1) * x2;
                }
            }
            return sum;
        }
    };

    public static final RowKernel VECTOR = new RowKernel() {
        /** Bytes 0..7 each twice, in order: a super-block's eight mins, one per group of 16 values. */
        private static final VectorShuffle<Byte> EACH_TWICE = VectorShuffle.fromValues(ByteVector.SPECIES_128,
                0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);

        @Override
        public DecodePath decodePath() {
            return DecodePath.COPIED_ROWS;
        }

        @Override
        public boolean usesGroupSums() {
            return true;
        }

        @Override
        public GGMLType type() {
            return GGMLType.Q4_K;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int count) {
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                float d = KScales.d(w, bo), dmin = KScales.dmin(w, bo);
                for (int j = 0; j < KScales.SUB_BLOCKS; j++) {
                    float dj = d * KScales.scale(w, bo, j), mj = dmin * KScales.min(w, bo, j);
                    if (LOOKUP_4BIT) {
                        FloatVector table = LEVELS_4BIT.mul(dj).sub(mj); // d * scale_j * i - dmin * min_j
                        for (int l = 0; l < 32; l += LANES) {
                            IntVector q = widenUnsigned(load(w, bo + QS + 32 * (j / 2) + l));
                            if (j % 2 == 1) q = q.lanewise(VectorOperators.LSHR, 4);
                            lookup(q, table).intoArray(dst, dstOff + b * BLOCK + 32 * j + l);
                        }
                        continue;
                    }
                    for (int l = 0; l < 32; l += LANES) {
                        ByteVector q = nibble(load(w, bo + QS + 32 * (j / 2) + l), 4 * (j % 2));
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
                        // One load of LANES packed bytes feeds both sub-blocks of the chunk.
                        ByteVector packed = load(w, bo + QS + 32 * c + l);
                        FloatVector x0 = FloatVector.fromArray(F, x, xo + l);
                        FloatVector x1 = FloatVector.fromArray(F, x, xo + 32 + l);
                        qx0 = toFloat(packed.and((byte) 0x0F)).fma(x0, qx0);
                        qx1 = toFloat(nibble(packed, 4)).fma(x1, qx1);
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

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, float[] xSums, int xSumsOff, int count) {
            return LOOKUP_4BIT ? dotLookup(w, offset, x, xOff, xSums, xSumsOff, count)
                    : dotWidened(w, offset, x, xOff, xSums, xSumsOff, count);
        }

        /**
         * With 16 float lanes: the levels become weights by table lookup ({@link PackedBytes#lookup}), each
         * sub-block's table {@code d * scale_j * i}; the 16 bytes of a step are widened once and looked up twice (low
         * nibbles: sub-block 2c, high: 2c + 1). The header is unpacked into vectors rather than scalars: the eight
         * scales times d as floats (a table's scale is a lookup of lane j), and the mins term {@code sum_j dmin *
         * min_j * sum(x_j)} as one multiply-add per super-block with each min taken twice, once per group of 16
         * activation sums. One thread, a 32,768 x 1,024 matrix from memory (DecodeMatMulBenchmark): 6.6 ms widening,
         * 6.1 with the lookup, 5.0-5.3 with the vector header; two threads 2.9 -> 2.5 ms for the last step.
         */
        private float dotLookup(MemorySegment w, long offset, float[] x, int xOff, float[] xSums, int xSumsOff,
                                int count) {
            FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, mins = acc0;
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                long t0 = KScales.table0(w, bo);
                int t1 = KScales.table1(w, bo);
                // d * scale_j in lanes j and 8 + j; min_j in lanes 2j and 2j + 1.
                FloatVector scales = toFloat(LongVector.broadcast(LongVector.SPECIES_128, KScales.scaleBytes(t0, t1))
                        .reinterpretAsBytes()).mul(KScales.d(w, bo));
                FloatVector minPerGroup = toFloat(LongVector.broadcast(LongVector.SPECIES_128,
                        KScales.minBytes(t0, t1)).reinterpretAsBytes().rearrange(EACH_TWICE));
                mins = minPerGroup.mul(KScales.dmin(w, bo)).fma(FloatVector.fromArray(F, xSums, xSumsOff + 16 * b),
                        mins);
                for (int c = 0; c < 4; c++) {
                    int xo = xOff + b * BLOCK + 64 * c;
                    FloatVector table0 = LEVELS_4BIT.mul(lookup(IntVector.broadcast(I, 2 * c), scales));
                    FloatVector table1 = LEVELS_4BIT.mul(lookup(IntVector.broadcast(I, 2 * c + 1), scales));
                    for (int l = 0; l < 32; l += LANES) {
                        IntVector q = widenUnsigned(load(w, bo + QS + 32 * c + l));
                        acc0 = lookup(q, table0).fma(FloatVector.fromArray(F, x, xo + l), acc0);
                        acc1 = lookup(q.lanewise(VectorOperators.LSHR, 4), table1)
                                .fma(FloatVector.fromArray(F, x, xo + 32 + l), acc1);
                    }
                }
            }
            return acc0.add(acc1).sub(mins).reduceLanes(VectorOperators.ADD);
        }

        private float dotWidened(MemorySegment w, long offset, float[] x, int xOff, float[] xSums, int xSumsOff,
                                 int count) {
            // As dot, with the mins taken out of the loop (sum_j dmin*min_j*sum(x_j) from the caller's group sums)
            // and the eight 6-bit scales unpacked once per super-block into the bytes of one long (no branch per
            // sub-block): the loop is then loads, widening and FMAs only.
            FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
            float mins = 0f;
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                float d = KScales.d(w, bo);
                long t0 = KScales.table0(w, bo);
                int t1 = KScales.table1(w, bo);
                long scales = KScales.scaleBytes(t0, t1), minBytes = KScales.minBytes(t0, t1);
                int so = xSumsOff + 16 * b;
                float m = 0f;
                for (int j = 0; j < KScales.SUB_BLOCKS; j++) {
                    m += (int) ((minBytes >>> (8 * j)) & 0xFF) * (xSums[so + 2 * j] + xSums[so + 2 * j + 1]);
                }
                mins += KScales.dmin(w, bo) * m;
                for (int c = 0; c < 4; c++) {
                    int xo = xOff + b * BLOCK + 64 * c;
                    FloatVector qx0 = FloatVector.zero(F), qx1 = qx0;
                    for (int l = 0; l < 32; l += LANES) {
                        ByteVector packed = load(w, bo + QS + 32 * c + l);
                        qx0 = toFloat(packed.and((byte) 0x0F)).fma(FloatVector.fromArray(F, x, xo + l), qx0);
                        qx1 = toFloat(nibble(packed, 4)).fma(FloatVector.fromArray(F, x, xo + 32 + l), qx1);
                    }
                    int pair = (int) (scales >>> (16 * c));
                    acc0 = qx0.fma(FloatVector.broadcast(F, d * (pair & 0xFF)), acc0);
                    acc1 = qx1.fma(FloatVector.broadcast(F, d * ((pair >>> 8) & 0xFF)), acc1);
                }
            }
            return acc0.add(acc1).reduceLanes(VectorOperators.ADD) - mins;
        }
    };

    /** Simple scales and mins ({@link KScales#quantize}), levels 0..15. */
    public static final Quantizer QUANTIZER = new Quantizer() {
        @Override
        public GGMLType type() {
            return GGMLType.Q4_K;
        }

        @Override
        public void quantize(float[] src, int srcOff, int count, MemorySegment dst, long offset) {
            int[] levels = new int[BLOCK];
            for (int b = 0; b < count / BLOCK; b++) {
                long bo = offset + (long) b * BLOCK_BYTES;
                KScales.quantize(src, srcOff + b * BLOCK, 15, dst, bo, levels);
                for (int c = 0; c < 4; c++) {
                    for (int l = 0; l < 32; l++) {
                        int q = levels[64 * c + l] | (levels[64 * c + 32 + l] << 4);
                        dst.set(BYTE, bo + QS + 32 * c + l, (byte) q);
                    }
                }
            }
        }
    };
}
