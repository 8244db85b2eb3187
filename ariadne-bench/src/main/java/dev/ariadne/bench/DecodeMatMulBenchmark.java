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
 * The weight kernels as a decode step runs them: {@link MatMul#apply} of one matrix of Qwen3-0.6B's width (1,024
 * columns) on 1 token (the fused dot), 4 tokens (the fused dot, rows reused from L1) and 16 tokens (a batched decode
 * step: dequantized tiles and the register-blocked product), on one thread ({@code -p threads=2} for two). The
 * matrix (32,768 rows: 18-67 MB by format) does not fit L2, but a large shared L3 may hold part of it (the 2-core
 * machines of this project report 480 MB: two threads stream Q8_0 at 15.6 GB/s there against 11.6 GB/s for
 * {@code -p rows=327680}, 350 MB, which only memory can serve). A result reads as values per second: rows x 1,024 x
 * tokens / time.
 *
 * <p>Run with {@code bench/jmh.sh DecodeMatMulBenchmark} (add JMH options, e.g. {@code -p type=Q4_K}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseParallelGC", "-Xmn64m"})
public class DecodeMatMulBenchmark {
    @Param({"F16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    public String type;

    @Param({"1", "4", "16"})
    public int tokens;

    @Param({"32768"})
    public int rows;

    /** Compute threads (the engine's --threads). */
    @Param({"1"})
    public int threads;

    private static final int COLS = 1024;

    private Arena arena;
    private ComputePool pool;
    private MatMul matmul;
    private Linear weight;
    private float[] x;
    private float[] y;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        SplittableRandom rnd = new SplittableRandom(42);
        weight = RandomWeights.matrix(type, rows, COLS, arena, rnd);
        pool = new ComputePool(threads);
        matmul = new MatMul(pool, COLS, true);
        x = RandomWeights.activations(tokens * COLS, rnd);
        y = new float[tokens * rows];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public float apply() {
        matmul.apply(weight, x, COLS, tokens, y, rows, 0);
        return y[rows / 2];
    }
}
