package dev.ariadne.quant;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Half-precision (IEEE binary16) and bfloat16 conversions, scalar and lane-wise. The Vector API has no lane-wise
 * f16-to-f32 conversion, so the vector path rebuilds the f32 bits with integer operations.
 */
public final class HalfFloats {
    private HalfFloats() {
    }

    /**
     * Ints of the same shape as {@link VectorShapes#F}. It must be a constant: a species computed per call (e.g.
     * {@code withLanes}) keeps C2 from intrinsifying the conversion, which then runs ~30x slower.
     */
    private static final VectorSpecies<Integer> I = VectorShapes.F.withLanes(int.class);

    /** 2^112 as a float: rescales the half exponent bias (15) to the float bias (127), subnormals included. */
    private static final float HALF_EXPONENT_REBIAS = Float.intBitsToFloat(0x77800000);

    public static float f16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    public static short floatToF16(float v) {
        return Float.floatToFloat16(v);
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
     */
    public static FloatVector f16ToFloat(ShortVector half, VectorSpecies<Float> species) {
        IntVector bits = (IntVector) half.convertShape(VectorOperators.ZERO_EXTEND_S2I, I, 0);
        IntVector sign = bits.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        IntVector magnitude = bits.and(0x7fff).lanewise(VectorOperators.LSHL, 13);
        FloatVector unsigned = magnitude.reinterpretAsFloats().mul(HALF_EXPONENT_REBIAS);
        return unsigned.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    /** Lane-wise bf16 to f32: the bf16 bits are the top half of the f32 bits. */
    public static FloatVector bf16ToFloat(ShortVector bf16, VectorSpecies<Float> species) {
        IntVector bits = (IntVector) bf16.convertShape(VectorOperators.ZERO_EXTEND_S2I, I, 0);
        return bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }
}
