package dev.ariadne.bench;

import dev.ariadne.quant.VectorShapes;
import dev.ariadne.tensor.ops.AttentionTiles;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One key tile of blocked prefill attention as {@code AttentionTask} runs it: scores of a 64-key tile against a
 * block of 128 query rows (64 queries x 2 heads of Qwen3-0.6B, head dim 128), the online-softmax step, and the
 * weighted sum into the rows' outputs, on one thread, from L1/L2-resident floats. A result reads as GFLOP/s =
 * 2 x rows x keys x (keyWidth + valueWidth) / time (4.2 MFLOP per tile).
 *
 * <p>Run with {@code bench/jmh.sh AttentionTilesBenchmark} ({@code -p vectorized=false} for the scalar reference).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseParallelGC", "-Xmn64m"})
public class AttentionTilesBenchmark {
    @Param({"true"})
    public boolean vectorized;

    @Param({"128"})
    public int rows;

    @Param({"128"})
    public int headDim;

    private static final int KEYS = 64;

    private AttentionTiles tiles;
    private int rp;
    private float[] qT, k, v, sT, m, l, alpha, out;
    private int[] oOff;

    @Setup
    public void setUp() {
        tiles = AttentionTiles.of(vectorized);
        rp = Math.ceilDiv(rows, VectorShapes.LANES) * VectorShapes.LANES;
        SplittableRandom rnd = new SplittableRandom(1);
        qT = RandomWeights.activations(headDim * rp, rnd);
        k = RandomWeights.activations(KEYS * headDim, rnd);
        v = RandomWeights.activations(KEYS * headDim, rnd);
        sT = new float[KEYS * rp];
        m = new float[rp];
        l = new float[rp];
        alpha = new float[rp];
        out = new float[rows * headDim];
        oOff = new int[rows];
        for (int r = 0; r < rows; r++) oOff[r] = r * headDim;
    }

    @Benchmark
    public float tile() {
        Arrays.fill(m, Float.NEGATIVE_INFINITY);
        Arrays.fill(l, 0f);
        tiles.scores(qT, rp, k, 0, headDim, headDim, KEYS, 0.088f, sT, 0);
        tiles.softmax(sT, rp, KEYS, m, l, alpha);
        tiles.accumulate(sT, rp, rows, KEYS, v, headDim, headDim, alpha, out, oOff);
        return out[rows / 2];
    }
}
