package dev.ariadne.quant;

import dev.ariadne.tensor.GGMLType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;

/** Seeded inputs for the kernel and quantizer tests. */
final class QuantTestData {
    private QuantTestData() {
    }

    /** Every registered format, in ggml id order. */
    static List<GGMLType> registeredTypes() {
        return WeightFormat.supportedTypes().stream().sorted((a, b) -> Integer.compare(a.id, b.id)).toList();
    }

    /** Odd run lengths, in values: whole blocks, with counts chosen to exercise main loops, tails and both. */
    static int[] oddCounts(GGMLType type) {
        if (type.blockSize == 1) {
            return new int[] {1, 3, 13, 207, 702};
        }
        int[] blocks = type.blockSize == 32 ? new int[] {1, 3, 13, 207} : new int[] {1, 3, 7};
        int[] counts = new int[blocks.length];
        for (int i = 0; i < blocks.length; i++) {
            counts[i] = blocks[i] * type.blockSize;
        }
        return counts;
    }

    static float[] gaussian(Random rnd, int n, float sigma) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * sigma);
        }
        return v;
    }

    /**
     * {@code values} quantized into a fresh segment at byte {@code lead} (an odd lead puts every block at an
     * unaligned address, as rows of 18- or 210-byte blocks are in a file).
     */
    static MemorySegment quantized(Arena arena, GGMLType type, float[] values, long lead) {
        MemorySegment seg = arena.allocate(lead + type.bytesFor(values.length), 1);
        WeightFormat.of(type).quantizer().quantize(values, 0, values.length, seg, lead);
        return seg;
    }
}
