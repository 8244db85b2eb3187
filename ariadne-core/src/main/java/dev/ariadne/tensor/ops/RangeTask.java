package dev.ariadne.tensor.ops;

/**
 * Work over an index range, run by {@link ComputePool#parallelFor}. Hot-path tasks are long-lived objects whose
 * fields are set before each run, so that dispatching them allocates nothing.
 */
@FunctionalInterface
public interface RangeTask {
    /** Processes indices {@code [from, to)}; {@code worker} (0 .. threads-1) selects per-thread scratch. */
    void run(int worker, int from, int to);
}
