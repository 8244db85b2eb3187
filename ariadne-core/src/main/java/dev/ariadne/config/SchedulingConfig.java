package dev.ariadne.config;

import dev.ariadne.sched.PreemptionMode;

/**
 * How the engine batches requests, besides the token budget ({@link EngineConfig#maxNumBatchedTokens()}).
 *
 * @param maxNumSeqs     most requests in one step (--max-num-seqs)
 * @param chunkedPrefill split long prompts over steps (--enable-chunked-prefill; on by default, as in vLLM v1)
 * @param preemptionMode recompute or swap (--preemption-mode)
 */
public record SchedulingConfig(int maxNumSeqs, boolean chunkedPrefill, PreemptionMode preemptionMode) {
    public SchedulingConfig {
        if (maxNumSeqs < 1) {
            throw new IllegalArgumentException("--max-num-seqs must be positive, found " + maxNumSeqs);
        }
        if (preemptionMode == null) preemptionMode = PreemptionMode.RECOMPUTE;
    }

    public static SchedulingConfig defaults() {
        return new SchedulingConfig(256, true, PreemptionMode.RECOMPUTE);
    }
}
