package dev.ariadne.bench;

import dev.ariadne.quant.KernelProvider;
import dev.ariadne.quant.WeightFormat;
import dev.ariadne.tensor.GGMLType;
import dev.ariadne.tensor.Linear;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** A rows x cols matrix of random weights (N(0, 0.05²)) stored in {@code type}, off-heap in {@code arena}. */
final class RandomWeights {
    private RandomWeights() {
    }

    static Linear matrix(String type, int rows, int cols, Arena arena, SplittableRandom rnd) {
        GGMLType t = GGMLType.valueOf(type);
        WeightFormat format = WeightFormat.of(t);
        long rowBytes = t.bytesFor(cols);
        MemorySegment data = arena.allocate(rowBytes * rows, 64);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) row[c] = (float) (0.05 * rnd.nextGaussian());
            format.quantizer().quantize(row, 0, cols, data, r * rowBytes);
        }
        return new Linear("w", t, KernelProvider.best().kernel(t), data, rows, cols, rowBytes);
    }

    /** {@code n} values drawn from N(0, 1). */
    static float[] activations(int n, SplittableRandom rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }
}
