package dev.ariadne.quant;

import dev.ariadne.io.gguf.GGUFFile;
import dev.ariadne.io.gguf.GGUFTensorInfo;
import dev.ariadne.tensor.GGMLType;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Independent truth for the layouts: every weight tensor (two or more dimensions) of files that llama-quantize made
 * from an F32 master is dequantized row by row with the scalar kernel and compared with the same tensor of the
 * master. A wrong bit layout gives errors of the order of the weights themselves (relative RMS near 1); the bounds
 * sit a little above what each format measures. On the same llama.cpp-made blocks the vector kernel must dequantize
 * bit for bit like the scalar one, and its dot must agree with the dot of the dequantized row.
 */
class KitWeightsTest {

    /** Relative RMS error bound per type, about 1.3x the largest per-tensor value measured on the kit. */
    private static final Map<GGMLType, Double> RMS_BOUND = Map.ofEntries(
            entry(GGMLType.F32, 0.0),      // F32 tensors kept by llama-quantize (MoE router): bit-identical
            entry(GGMLType.F16, 3e-4),     // measured 2.1e-4
            entry(GGMLType.BF16, 2.2e-3),  // measured 1.7e-3
            entry(GGMLType.Q8_0, 7e-3),    // measured 5.4e-3
            entry(GGMLType.Q6_K, 2.4e-2),  // measured 1.8e-2
            entry(GGMLType.Q5_K, 4.8e-2),  // measured 3.6e-2
            entry(GGMLType.Q5_0, 5.6e-2),  // measured 4.3e-2
            entry(GGMLType.Q4_K, 9.5e-2),  // measured 7.2e-2
            entry(GGMLType.Q4_0, 0.115));  // measured 8.7e-2

    /** Every row is compared with the master; every 5th row also goes through the vector kernel and both dots. */
    private static final int KERNEL_CHECK_STRIDE = 5;

    /** (quantized file, its F32 master). */
    private static final String[][] FILES = {
            {"models/qwen3/qwen3-F16.gguf", "models/qwen3/qwen3-F32.gguf"},
            {"models/qwen3/qwen3-BF16.gguf", "models/qwen3/qwen3-F32.gguf"},
            {"models/qwen3/qwen3-Q8_0.gguf", "models/qwen3/qwen3-F32.gguf"},
            {"models/qwen3/qwen3-Q4_0.gguf", "models/qwen3/qwen3-F32.gguf"},
            {"models/qwen3/qwen3-Q4_K_M.gguf", "models/qwen3/qwen3-F32.gguf"},
            {"models/qwen3/qwen3-Q6_K.gguf", "models/qwen3/qwen3-F32.gguf"},
            {"models/qwen3moe/qwen3moe-Q4_K_M.gguf", "models/qwen3moe/qwen3moe-F32.gguf"},
            {"models/deepseek2/deepseek2-Q4_K_M.gguf", "models/deepseek2/deepseek2-F32.gguf"},
    };

    @Test
    void quantizedWeightsMatchTheirF32Masters() {
        Map<GGMLType, double[]> worst = new EnumMap<>(GGMLType.class); // type -> {max rel RMS, tensors}
        List<String> failures = new ArrayList<>();
        for (String[] pair : FILES) {
            try (GGUFFile quant = GGUFFile.open(SharedKit.file(pair[0]));
                 GGUFFile master = GGUFFile.open(SharedKit.file(pair[1]))) {
                for (GGUFTensorInfo t : quant.tensorList()) {
                    if (t.ne().length < 2) {
                        continue;
                    }
                    GGUFTensorInfo m = master.tensors().get(t.name());
                    assertTrue(m != null && m.type() == GGMLType.F32 && Arrays.equals(m.ne(), t.ne()),
                            pair[1] + " has no F32 " + t);
                    WeightFormat f = WeightFormat.of(t.type());
                    assertTrue(f != null, t + " in " + pair[0] + ": type not supported");
                    double rel = compare(f, t, quant.tensorData(t), master.tensorData(m), pair[0], failures);
                    double bound = RMS_BOUND.get(t.type());
                    if (!(rel <= bound)) {
                        failures.add(pair[0] + " " + t + ": relative RMS error " + rel + " > " + bound);
                    }
                    double[] w = worst.computeIfAbsent(t.type(), k -> new double[2]);
                    w[0] = Math.max(w[0], rel);
                    w[1]++;
                }
            }
        }
        StringBuilder report = new StringBuilder("relative RMS error vs F32 master, worst tensor per type:\n");
        worst.forEach((type, w) -> report.append(String.format("  %-5s %.3e over %d tensors (bound %.1e)%n",
                type, w[0], (int) w[1], RMS_BOUND.get(type))));
        System.out.print(report);
        assertEquals(List.of(), failures);
        EnumSet<GGMLType> seen = EnumSet.copyOf(worst.keySet());
        assertTrue(seen.containsAll(WeightFormat.supportedTypes()),
                "the kit files must cover every supported type; missing " + missing(seen));
    }

    /** Relative RMS error of one tensor; layout and vector-vs-scalar mismatches go to {@code failures}. */
    private static double compare(WeightFormat f, GGUFTensorInfo t, MemorySegment data, MemorySegment master,
                                  String file, List<String> failures) {
        int rowLen = (int) t.ne()[0];
        long rows = t.elementCount() / rowLen;
        long rowBytes = t.type().bytesFor(rowLen);
        float[] scalar = new float[rowLen], vector = new float[rowLen], ref = new float[rowLen];
        float[] x = QuantTestData.gaussian(new Random(rowLen * 31L + rows), rowLen, 1f);
        double err2 = 0, ref2 = 0;
        int deqMismatches = 0, dotMismatches = 0;
        for (long r = 0; r < rows; r++) {
            long at = r * rowBytes;
            f.scalar().dequantize(data, at, scalar, 0, rowLen);
            MemorySegment.copy(master, ValueLayout.JAVA_FLOAT_UNALIGNED, r * rowLen * 4L, ref, 0, rowLen);
            for (int i = 0; i < rowLen; i++) {
                double e = (double) scalar[i] - ref[i];
                err2 += e * e;
                ref2 += (double) ref[i] * ref[i];
            }
            if (r % KERNEL_CHECK_STRIDE != 0) {
                continue;
            }
            f.vector().dequantize(data, at, vector, 0, rowLen);
            if (!Arrays.equals(scalar, vector)) {
                deqMismatches++;
            }
            double exact = 0, scale = 0;
            for (int i = 0; i < rowLen; i++) {
                exact += (double) scalar[i] * x[i];
                scale += Math.abs((double) scalar[i] * x[i]);
            }
            float vs = f.vector().dot(data, at, x, 0, rowLen);
            float ss = f.scalar().dot(data, at, x, 0, rowLen);
            if (!(Math.abs(vs - exact) <= 1e-5 * scale && Math.abs(ss - exact) <= 1e-5 * scale)) {
                dotMismatches++;
            }
        }
        if (deqMismatches + dotMismatches > 0) {
            failures.add(file + " " + t + ": vector dequantize differs in " + deqMismatches + " rows, dot in "
                    + dotMismatches + " of the " + (rows + KERNEL_CHECK_STRIDE - 1) / KERNEL_CHECK_STRIDE + " checked");
        }
        return ref2 > 0 ? Math.sqrt(err2 / ref2) : Math.sqrt(err2);
    }

    private static EnumSet<GGMLType> missing(EnumSet<GGMLType> seen) {
        EnumSet<GGMLType> m = EnumSet.copyOf(WeightFormat.supportedTypes());
        m.removeAll(seen);
        return m;
    }
}
