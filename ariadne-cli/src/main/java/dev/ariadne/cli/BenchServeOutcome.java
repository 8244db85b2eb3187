package dev.ariadne.cli;

/**
 * What one benchmark request measured (vLLM's {@code RequestFuncOutput}). Times are nanoseconds from the moment the
 * request was sent.
 *
 * @param error        why it failed (null on success)
 * @param ttftNanos    to the first chunk with content
 * @param itlNanos     between successive content chunks (one fewer than the content chunks)
 * @param e2eNanos     to {@code data: [DONE]} (on failure: to the moment it failed)
 * @param promptTokens from the usage chunk
 * @param outputTokens from the usage chunk
 */
record BenchServeOutcome(String error, long ttftNanos, long[] itlNanos, long e2eNanos, int promptTokens,
                         int outputTokens) {

    static BenchServeOutcome failed(String error, long e2eNanos) {
        return new BenchServeOutcome(error, 0, new long[0], e2eNanos, 0, 0);
    }

    boolean success() {
        return error == null;
    }

    /**
     * Time per output token after the first, vLLM's {@code (e2e - ttft) / (output - 1)}; NaN with fewer than two
     * tokens (there is no "after the first").
     */
    double tpotNanos() {
        return outputTokens > 1 ? (e2eNanos - ttftNanos) / (double) (outputTokens - 1) : Double.NaN;
    }
}
