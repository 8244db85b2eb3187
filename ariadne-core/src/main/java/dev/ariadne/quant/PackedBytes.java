package dev.ariadne.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.ariadne.quant.VectorShapes.B;
import static dev.ariadne.quant.VectorShapes.F;
import static dev.ariadne.quant.VectorShapes.I;
import static dev.ariadne.quant.VectorShapes.LANES;
import static dev.ariadne.quant.VectorShapes.LE;

/**
 * Lane-wise unpacking of bit fields stored in bytes, shared by the packed formats' Vector API kernels. Each helper is
 * a handful of bytecodes so that C2 always inlines it (a vector returned from a call that is not inlined is boxed).
 * x86 has no byte-lane shift (the Vector API would widen, shift and narrow), so fields are moved with 16-bit shifts
 * and then isolated with a byte mask; bits that cross from the neighbouring byte always land outside the mask.
 */
final class PackedBytes {
    private PackedBytes() {
    }

    /** LANES packed bytes at {@code byteOffset}. */
    static ByteVector load(MemorySegment w, long byteOffset) {
        return ByteVector.fromMemorySegment(B, w, byteOffset, LE);
    }

    /** Bits {@code shift .. shift+3} of each byte (shift 0: low nibble, 4: high nibble), moved to 0..3. */
    static ByteVector nibble(ByteVector packed, int shift) {
        return packed.reinterpretAsShorts().lanewise(VectorOperators.LSHR, shift).reinterpretAsBytes()
                .and((byte) 0x0F);
    }

    /**
     * The field that starts at bit {@code from} of each byte, moved to start at bit 4 and cut by {@code mask}
     * (0x10 for one bit, 0x30 for two): the high bits of 5- and 6-bit levels. Requires from + width <= 8.
     */
    static ByteVector fieldAt4(ByteVector packed, int from, int mask) {
        return packed.reinterpretAsShorts().lanewise(VectorOperators.LSHR, from).lanewise(VectorOperators.LSHL, 4)
                .reinterpretAsBytes().and((byte) mask);
    }

    /** Sign-extends the first LANES bytes to floats. */
    static FloatVector toFloat(ByteVector v) {
        return (FloatVector) v.convertShape(VectorOperators.B2F, F, 0);
    }

    /**
     * Whether a table of 16 floats fits one vector (16 float lanes: AVX-512), so that 4-bit levels can be turned
     * into floats by {@link #lookup} instead of widening and converting.
     */
    static final boolean LOOKUP_4BIT = LANES == 16;

    /** The first LANES bytes, zero-extended to ints: lookup indexes. */
    static IntVector widenUnsigned(ByteVector v) {
        return (IntVector) v.convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    /**
     * {@code table[index & 15]} per lane, for 16 lanes: one vpermd, whose index wrap is the mask that keeps a packed
     * byte's low nibble. A level table that holds the block's scale and offset ({@code d * (i - 8)} for Q4_0) turns
     * 16 packed levels into 16 weights in two operations (widen, look up), where widening and converting takes four
     * (mask, offset, widen, convert) and the scale one more.
     */
    static FloatVector lookup(IntVector index, FloatVector table) {
        return index.selectFrom(table.reinterpretAsInts()).reinterpretAsFloats();
    }

    /** Levels 0..15 as floats in lanes 0..15: the base of the 4-bit lookup tables. */
    static final FloatVector LEVELS_4BIT = LOOKUP_4BIT
            ? FloatVector.fromArray(F, new float[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, 0)
            : FloatVector.zero(F);
}
