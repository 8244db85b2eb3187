package dev.ariadne.quant;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Half-precision (IEEE binary16) and bfloat16 conversions, scalar and lane-wise. The Vector API has no lane-wise
 * f16-to-f32 conversion, so the vector path rebuilds the f32 bits with integer operations.
 */
public final class HalfFloats {
    private HalfFloats() {
    }

    /** 2^112 as a float: rescales the half exponent bias (15) to the float bias (127), subnormals included. */
    private static final float HALF_EXPONENT_REBIAS = Float.intBitsToFloat(0x77800000);

    public static float f16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    public static short floatToF16(float v) {
        return Float.floatToFloat16(v);
    }

    /**
     * The f16 nearest to {@code v} whose magnitude is at least |v| (finite v below the f16 maximum): a scale stored
     * this way never shrinks, so the quantizers that use it never clip the value that set the scale.
     */
    public static short floatToF16NotSmaller(float v) {
        short h = Float.floatToFloat16(v);
        return Math.abs(Float.float16ToFloat(h)) < Math.abs(v) ? (short) (h + 1) : h;
    }

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** Round to nearest even, as ggml's fp32_to_bf16 does (NaN kept quiet). */
    public static short floatToBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 64);
        }
        return (short) ((bits + (0x7fff + ((bits >>> 16) & 1))) >>> 16);
    }

    /**
     * Lane-wise f16 to f32 for finite inputs (normal, subnormal, zero): place exponent and mantissa 13 bits up, scale
     * by 2^112 to rebias, restore the sign. Infinities and NaNs come out as large finite values; weights have none.
     * LANES shorts ({@link VectorShapes#S}) in, LANES floats ({@link VectorShapes#F}) out; the widening is the
     * sign-extending S2I (the bits above 15 are masked off), which C2 compiles to one instruction.
     */
    public static FloatVector f16ToFloat(ShortVector half) {
        IntVector bits = (IntVector) half.convertShape(VectorOperators.S2I, VectorShapes.I, 0);
        IntVector sign = bits.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        IntVector magnitude = bits.and(0x7fff).lanewise(VectorOperators.LSHL, 13);
        FloatVector unsigned = magnitude.reinterpretAsFloats().mul(HALF_EXPONENT_REBIAS);
        return unsigned.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    /** Lane-wise bf16 to f32: the bf16 bits are the top half of the f32 bits (the sign extension shifts out). */
    public static FloatVector bf16ToFloat(ShortVector bf16) {
        IntVector bits = (IntVector) bf16.convertShape(VectorOperators.S2I, VectorShapes.I, 0);
        return bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }
}
