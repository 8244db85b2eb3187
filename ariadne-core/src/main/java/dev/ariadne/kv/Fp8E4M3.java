package dev.ariadne.kv;

/**
 * The OCP fp8 e4m3 ("fn") code: 1 sign, 4 exponent (bias 7), 3 mantissa bits; no infinities, S.1111.111 is NaN,
 * the largest finite magnitude 448, the smallest subnormal 2^-9. The KV cache scales each row so that its max|x|
 * maps to 448 and never writes a NaN code.
 *
 * <pre>
 * decode: the 7 magnitude bits moved to float bits 20..26 give 2^-120 x the value, subnormals included:
 *         value = float(sign << 31 | (code & 0x7f) << 20) x 2^120
 * encode: round to nearest even, saturating at 448
 * </pre>
 */
public final class Fp8E4M3 {
    private Fp8E4M3() {
    }

    public static final float MAX = 448f;
    /** 2^120: the exponent bias difference (127 - 7) that {@link #decode} restores. */
    static final float BIAS_SCALE = 0x1p120f;

    /** The value of a finite code (the NaN codes 0x7f and 0xff decode as 480; the cache never stores them). */
    public static float decode(byte code) {
        return Float.intBitsToFloat((code & 0x80) << 24 | (code & 0x7f) << 20) * BIAS_SCALE;
    }

    /** The code nearest to {@code v} (ties to even), saturated to +-448; NaN maps to 0. */
    public static byte encode(float v) {
        int bits = Float.floatToRawIntBits(v);
        int sign = (bits >>> 24) & 0x80;
        float a = Math.abs(v);
        int code;
        if (!(a < MAX)) {
            code = a >= MAX ? 0x7e : 0;
        } else if (a < 0x1p-6f) {
            code = (int) Math.rint(a * 0x1p9f); // subnormal steps of 2^-9; 8 is the smallest normal, code 0x08
        } else {
            int t = Float.floatToRawIntBits(a) - ((127 - 7) << 23); // rebias to e4m3: exponent 1..15 in bits 23..
            int r = t >>> 20;
            int rest = t & 0xfffff;
            if (rest > 0x80000 || (rest == 0x80000 && (r & 1) == 1)) r++;
            code = Math.min(r, 0x7e);
        }
        return (byte) (sign | code);
    }
}
