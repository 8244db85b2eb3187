package dev.ariadne.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteOrder;

/**
 * The species every Vector API kernel uses: the preferred float shape, and byte and short species with the same
 * lane count, so that one load of packed values widens to exactly one float vector. Kernels must name these
 * constants: a species computed at run time (for example with withLanes) makes C2 give up the intrinsics.
 */
public final class VectorShapes {
    private VectorShapes() {
    }

    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    public static final int LANES = F.length();
    /** Bytes with LANES lanes (128 bits for AVX-512, 64 bits for AVX2). */
    public static final VectorSpecies<Byte> B = LANES >= 8
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8)) : ByteVector.SPECIES_64;
    /** Shorts with LANES lanes (256 bits for AVX-512, 128 bits for AVX2). */
    public static final VectorSpecies<Short> S = LANES >= 8
            ? VectorSpecies.of(short.class, VectorShape.forBitSize(LANES * 16)) : ShortVector.SPECIES_128;
    /** Ints with LANES lanes (the same shape as F): where widened bytes and shorts are combined. */
    public static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    public static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
}
