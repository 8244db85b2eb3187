package dev.ariadne.model;

import dev.ariadne.config.MoeConfig;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.quant.WeightFormat;
import dev.ariadne.tensor.GGMLType;
import dev.ariadne.tensor.Linear;
import dev.ariadne.tensor.ops.ComputePool;
import dev.ariadne.tensor.ops.MatMul;
import dev.ariadne.tensor.ops.ScalarMath;
import dev.ariadne.tensor.ops.VectorMath;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MoE block's batched dispatch (route all tokens, group by expert, one matrix-matrix pass per active expert)
 * against the same block run one token at a time and against a per-token double-precision oracle (softmax, top-k,
 * renormalize, every chosen expert's SwiGLU MLP as a matrix-vector product), on random weights at odd token counts.
 */
class MoeBlockTest {
    private static final int HIDDEN = 64, F = 96, EXPERTS = 5;

    @ParameterizedTest(name = "{0} tokens, {1}, top {2}, norm {3}, vector {4}")
    @CsvSource({"1, F32, 2, true, true", "13, F32, 2, true, true", "13, Q8_0, 2, true, true",
            "37, Q8_0, 3, false, true", "37, F32, 2, true, false", "70, Q4_K, 2, true, true",
            "150, Q8_0, 2, true, true"}) // 300 slots: beyond MoeBlock.SEGMENT_SLOTS, one dispatch pair per expert
    void batchedDispatchMatchesPerTokenExperts(int tokens, String typeName, int used, boolean norm, boolean vector) {
        GGMLType type = GGMLType.valueOf(typeName);
        int hidden = type == GGMLType.Q4_K ? 256 : HIDDEN, f = type == GGMLType.Q4_K ? 256 : F;
        MoeConfig m = new MoeConfig(EXPERTS, used, f, norm);
        KernelProvider kernels = vector ? KernelProvider.best() : KernelProvider.scalar();
        try (Arena arena = Arena.ofShared(); ComputePool pool = new ComputePool(2)) {
            SplittableRandom rnd = new SplittableRandom(tokens * 31L + used);
            Linear router = matrix(arena, kernels, GGMLType.F32, "router", EXPERTS, hidden, rnd, 1.0);
            Linear[] gate = new Linear[EXPERTS], up = new Linear[EXPERTS], down = new Linear[EXPERTS];
            for (int e = 0; e < EXPERTS; e++) {
                gate[e] = matrix(arena, kernels, type, "gate" + e, f, hidden, rnd, 1 / Math.sqrt(hidden));
                up[e] = matrix(arena, kernels, type, "up" + e, f, hidden, rnd, 1 / Math.sqrt(hidden));
                down[e] = matrix(arena, kernels, type, "down" + e, hidden, f, rnd, 1 / Math.sqrt(f));
            }
            MoeWeights w = new MoeWeights(router, gate, up, down);
            var ops = vector ? VectorMath.INSTANCE : ScalarMath.INSTANCE;
            MatMul matmul = new MatMul(pool, Math.max(hidden, f), vector);
            MoeBlock block = new MoeBlock(m, hidden, new MoeWeights[] {w}, matmul, ops, tokens);

            float[] xb = new float[tokens * hidden];
            float[] x0 = new float[tokens * hidden];
            for (int i = 0; i < xb.length; i++) {
                xb[i] = (float) rnd.nextGaussian();
                x0[i] = (float) rnd.nextGaussian();
            }
            float[] batched = x0.clone();
            block.apply(0, xb, batched, tokens);

            float[] oneByOne = x0.clone();
            float[] xt = new float[hidden], yt = new float[hidden];
            for (int t = 0; t < tokens; t++) {
                System.arraycopy(xb, t * hidden, xt, 0, hidden);
                System.arraycopy(x0, t * hidden, yt, 0, hidden);
                block.apply(0, xt, yt, 1);
                System.arraycopy(yt, 0, oneByOne, t * hidden, hidden);
            }

            Set<Integer> active = new HashSet<>();
            double scale = 0;
            for (int t = 0; t < tokens; t++) {
                double[] exact = oracle(m, w, xb, x0, t, hidden, active);
                for (int i = 0; i < hidden; i++) {
                    scale = Math.max(scale, Math.abs(exact[i] - x0[t * hidden + i]));
                    double tol = 1e-4 * (1 + Math.abs(exact[i]));
                    assertTrue(Math.abs(batched[t * hidden + i] - exact[i]) <= tol, "token " + t + " [" + i
                            + "]: batched " + batched[t * hidden + i] + ", oracle " + exact[i]);
                    assertTrue(Math.abs(oneByOne[t * hidden + i] - batched[t * hidden + i]) <= tol, "token " + t
                            + " [" + i + "]: one by one " + oneByOne[t * hidden + i] + ", batched "
                            + batched[t * hidden + i]);
                }
            }
            assertTrue(scale > 0.1, "the experts added next to nothing: " + scale);
            if (tokens > 10) assertTrue(active.size() >= 4, "only experts " + active + " were chosen");
        }
    }

    /** Token t's residual plus its MoE output in double, experts chosen and weighted from scratch. */
    private static double[] oracle(MoeConfig m, MoeWeights w, float[] xb, float[] x0, int t, int hidden,
                                   Set<Integer> active) {
        double[] x = new double[hidden];
        for (int i = 0; i < hidden; i++) x[i] = xb[t * hidden + i];
        double[] logits = matVec(w.router(), x);
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) max = Math.max(max, l);
        double[] p = new double[logits.length];
        double sum = 0;
        for (int e = 0; e < p.length; e++) sum += p[e] = Math.exp(logits[e] - max);
        boolean[] taken = new boolean[p.length];
        int[] chosen = new int[m.expertsUsed()];
        double chosenSum = 0;
        for (int i = 0; i < chosen.length; i++) {
            int best = -1;
            for (int e = 0; e < p.length; e++) if (!taken[e] && (best < 0 || p[e] > p[best])) best = e;
            taken[best] = true;
            chosen[i] = best;
            chosenSum += p[best] / sum;
            active.add(best);
        }
        double[] out = new double[hidden];
        for (int i = 0; i < hidden; i++) out[i] = x0[t * hidden + i];
        for (int e : chosen) {
            double weight = p[e] / sum / (m.normTopK() ? chosenSum : 1);
            double[] g = matVec(w.gate()[e], x), u = matVec(w.up()[e], x);
            for (int j = 0; j < g.length; j++) g[j] = g[j] / (1 + Math.exp(-g[j])) * u[j];
            double[] d = matVec(w.down()[e], g);
            for (int i = 0; i < hidden; i++) out[i] += weight * d[i];
        }
        return out;
    }

    private static double[] matVec(Linear w, double[] x) {
        float[] row = new float[w.cols()];
        double[] y = new double[w.rows()];
        for (int r = 0; r < w.rows(); r++) {
            w.kernel().dequantize(w.data(), w.rowOffset(r), row, 0, w.cols());
            double acc = 0;
            for (int c = 0; c < row.length; c++) acc += row[c] * x[c];
            y[r] = acc;
        }
        return y;
    }

    private static Linear matrix(Arena arena, KernelProvider kernels, GGMLType type, String name, int rows, int cols,
                                 SplittableRandom rnd, double std) {
        long rowBytes = type.bytesFor(cols);
        MemorySegment seg = arena.allocate(rowBytes * rows, 64);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) row[c] = (float) (rnd.nextGaussian() * std);
            WeightFormat.of(type).quantizer().quantize(row, 0, cols, seg, r * rowBytes);
        }
        return new Linear(name, type, kernels.kernel(type), seg, rows, cols, rowBytes);
    }
}
