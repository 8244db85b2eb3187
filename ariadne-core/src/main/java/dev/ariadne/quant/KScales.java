package dev.ariadne.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The super-block header shared by Q4_K and Q5_K: {@code [f16 d][f16 dmin][12 bytes scales]}, eight 6-bit scales
 * and eight 6-bit mins, one pair per sub-block of 32 values; value = d * scale_j * q - dmin * min_j.
 *
 * <pre>
 * byte  0..3 : scale_j (bits 0..5) | scale_{j+4} bits 4..5 (bits 6..7)      j = 0..3
 * byte  4..7 : min_j   (bits 0..5) | min_{j+4}   bits 4..5 (bits 6..7)
 * byte 8..11 : scale_{j+4} bits 0..3 (bits 0..3) | min_{j+4} bits 0..3 (bits 4..7)
 * </pre>
 * (ggml's get_scale_min_k4.)
 */
final class KScales {
    private KScales() {
    }

    static final int SUB_BLOCKS = 8;
    static final int SUB_BLOCK = 32;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    static float d(MemorySegment w, long bo) {
        return Float.float16ToFloat(w.get(SHORT, bo));
    }

    static float dmin(MemorySegment w, long bo) {
        return Float.float16ToFloat(w.get(SHORT, bo + 2));
    }

    /** The 6-bit scale of sub-block j of the super-block at {@code bo}. */
    static int scale(MemorySegment w, long bo, int j) {
        long s = bo + 4;
        if (j < 4) {
            return w.get(BYTE, s + j) & 63;
        }
        return (w.get(BYTE, s + j + 4) & 0x0F) | ((w.get(BYTE, s + j - 4) & 0xC0) >>> 2);
    }

    /** The 6-bit min of sub-block j of the super-block at {@code bo}. */
    static int min(MemorySegment w, long bo, int j) {
        long s = bo + 4;
        if (j < 4) {
            return w.get(BYTE, s + j + 4) & 63;
        }
        return ((w.get(BYTE, s + j + 4) & 0xF0) >>> 4) | ((w.get(BYTE, s + j) & 0xC0) >>> 2);
    }

    /** Scale and min bytes 0..7 of the super-block at {@code bo}, as one little-endian long (for {@link #scale}). */
    static long table0(MemorySegment w, long bo) {
        return w.get(LONG, bo + 4);
    }

    /** Scale and min bytes 8..11 of the super-block at {@code bo}, as one little-endian int. */
    static int table1(MemorySegment w, long bo) {
        return w.get(INT, bo + 12);
    }

    /** The 6-bit scale of sub-block j from the table read as {@code t0} (bytes 0..7) and {@code t1} (8..11). */
    static int scale(long t0, int t1, int j) {
        return j < 4 ? (int) (t0 >>> (8 * j)) & 63
                : ((t1 >>> (8 * (j - 4))) & 0x0F) | ((int) (t0 >>> (8 * (j - 4) + 2)) & 0x30);
    }

    /** The 6-bit min of sub-block j from the table read as {@code t0} (bytes 0..7) and {@code t1} (8..11). */
    static int min(long t0, int t1, int j) {
        return j < 4 ? (int) (t0 >>> (8 * j + 32)) & 63
                : ((t1 >>> (8 * (j - 4) + 4)) & 0x0F) | ((int) (t0 >>> (8 * j + 2)) & 0x30);
    }

    /** The eight 6-bit scales from the table read as {@code t0} and {@code t1}, scale j in byte j of the result. */
    static long scaleBytes(long t0, int t1) {
        long low = t0 & 0x3F3F3F3FL;
        long high = (t1 & 0x0F0F0F0FL) | ((t0 >>> 2) & 0x30303030L);
        return low | (high << 32);
    }

    /** The eight 6-bit mins from the table read as {@code t0} and {@code t1}, min j in byte j of the result. */
    static long minBytes(long t0, int t1) {
        long low = (t0 >>> 32) & 0x3F3F3F3FL;
        long high = ((t1 >>> 4) & 0x0F0F0F0FL) | ((t0 >>> 34) & 0x30303030L);
        return low | (high << 32);
    }

    /**
     * Writes the header of one super-block for {@code src[so .. so+256)} and returns in {@code levels} each value's
     * level in {@code 0..nmax}. Simple, non-searching choice: each sub-block's range [min(0, lo), hi] is covered
     * exactly. Mins are rounded up to their 6-bit grid first, then each scale is chosen to reach the sub-block's
     * maximum from that min and rounded up too, so no value is clipped and every error is at most half a step.
     */
    static void quantize(float[] src, int so, int nmax, MemorySegment dst, long bo, int[] levels) {
        float[] mins = new float[SUB_BLOCKS];
        float[] highs = new float[SUB_BLOCKS];
        float maxMin = 0f;
        for (int j = 0; j < SUB_BLOCKS; j++) {
            float lo = 0f, hi = -Float.MAX_VALUE;
            for (int l = 0; l < SUB_BLOCK; l++) {
                float v = src[so + SUB_BLOCK * j + l];
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            mins[j] = -lo;
            highs[j] = hi;
            maxMin = Math.max(maxMin, -lo);
        }
        short dminBits = HalfFloats.floatToF16NotSmaller(maxMin / 63f);
        float dmin = Float.float16ToFloat(dminBits);
        int[] lm = new int[SUB_BLOCKS];
        float[] scales = new float[SUB_BLOCKS];
        float maxScale = 0f;
        for (int j = 0; j < SUB_BLOCKS; j++) {
            lm[j] = dmin > 0f ? Math.min(63, (int) Math.ceil(mins[j] / dmin)) : 0;
            scales[j] = Math.max(0f, (highs[j] + dmin * lm[j]) / nmax);
            maxScale = Math.max(maxScale, scales[j]);
        }
        short dBits = HalfFloats.floatToF16NotSmaller(maxScale / 63f);
        float d = Float.float16ToFloat(dBits);
        int[] ls = new int[SUB_BLOCKS];
        for (int j = 0; j < SUB_BLOCKS; j++) {
            ls[j] = d > 0f ? Math.min(63, (int) Math.ceil(scales[j] / d)) : 0;
        }
        dst.set(SHORT, bo, dBits);
        dst.set(SHORT, bo + 2, dminBits);
        pack(ls, lm, dst, bo + 4);
        for (int j = 0; j < SUB_BLOCKS; j++) {
            float step = d * ls[j];
            float offset = dmin * lm[j];
            for (int l = 0; l < SUB_BLOCK; l++) {
                int i = SUB_BLOCK * j + l;
                int q = step != 0f ? WeightFormat.roundHalfAway((src[so + i] + offset) / step) : 0;
                levels[i] = Math.max(0, Math.min(nmax, q));
            }
        }
    }

    /** Packs eight 6-bit scales and mins into the 12-byte table at {@code at}. */
    private static void pack(int[] ls, int[] lm, MemorySegment dst, long at) {
        byte[] t = new byte[12];
        for (int j = 0; j < SUB_BLOCKS; j++) {
            if (j < 4) {
                t[j] |= (byte) ls[j];
                t[j + 4] |= (byte) lm[j];
            } else {
                t[j + 4] = (byte) ((ls[j] & 0x0F) | ((lm[j] & 0x0F) << 4));
                t[j - 4] |= (byte) ((ls[j] >> 4) << 6);
                t[j] |= (byte) ((lm[j] >> 4) << 6);
            }
        }
        MemorySegment.copy(t, 0, dst, BYTE, at, 12);
    }
}
