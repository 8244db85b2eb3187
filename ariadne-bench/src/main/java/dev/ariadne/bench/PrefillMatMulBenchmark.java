package dev.ariadne.bench;

import dev.ariadne.tensor.Linear;
import dev.ariadne.tensor.ops.ComputePool;
import dev.ariadne.tensor.ops.MatMul;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The weight kernels as a prompt chunk runs them: {@link MatMul#apply} of Qwen3-0.6B's gate projection (3,072 rows x
 * 1,024 columns) and its down projection (1,024 x 3,072) on a chunk of 512 tokens, on one thread. Arithmetic-bound:
 * a result reads as GFLOP/s = 2 x rows x cols x tokens / time (3.2 GFLOP per call).
 *
 * <p>Run with {@code bench/jmh.sh PrefillMatMulBenchmark} (add JMH options, e.g. {@code -p type=Q8_0}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseParallelGC", "-Xmn64m"})
public class PrefillMatMulBenchmark {
    @Param({"F16", "Q8_0", "Q4_K"})
    public String type;

    @Param({"3072x1024", "1024x3072"})
    public String shape;

    @Param({"512"})
    public int tokens;

    private Arena arena;
    private ComputePool pool;
    private MatMul matmul;
    private Linear weight;
    private float[] x;
    private float[] y;
    private int rows, cols;

    @Setup(Level.Trial)
    public void setUp() {
        String[] rc = shape.split("x");
        rows = Integer.parseInt(rc[0]);
        cols = Integer.parseInt(rc[1]);
        arena = Arena.ofShared();
        SplittableRandom rnd = new SplittableRandom(42);
        weight = RandomWeights.matrix(type, rows, cols, arena, rnd);
        pool = new ComputePool(1);
        matmul = new MatMul(pool, cols, true);
        x = RandomWeights.activations(tokens * cols, rnd);
        y = new float[tokens * rows];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public float apply() {
        matmul.apply(weight, x, cols, tokens, y, rows, 0);
        return y[rows / 2];
    }
}
