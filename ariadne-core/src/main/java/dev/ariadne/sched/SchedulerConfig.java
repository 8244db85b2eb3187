package dev.ariadne.sched;

/**
 * The scheduler's limits (vLLM's {@code SchedulerConfig}).
 *
 * @param maxNumBatchedTokens token budget of one step, over all requests (--max-num-batched-tokens)
 * @param maxNumSeqs          most requests running at once (--max-num-seqs)
 * @param maxModelLen         most tokens (prompt + output) one request may reach
 * @param chunkedPrefill      a prompt may be computed over several steps; without it a prompt runs whole, so the
 *                            budget must hold the longest prompt (--enable-chunked-prefill)
 * @param preemptionMode      what happens to a victim's KV when blocks run out (--preemption-mode)
 */
public record SchedulerConfig(int maxNumBatchedTokens, int maxNumSeqs, int maxModelLen, boolean chunkedPrefill,
                              PreemptionMode preemptionMode) {
    public SchedulerConfig {
        if (maxNumBatchedTokens < 1) {
            throw new IllegalArgumentException("--max-num-batched-tokens must be positive, found " + maxNumBatchedTokens);
        }
        if (maxNumSeqs < 1) {
            throw new IllegalArgumentException("--max-num-seqs must be positive, found " + maxNumSeqs);
        }
        if (maxModelLen < 1) {
            throw new IllegalArgumentException("max model length must be positive, found " + maxModelLen);
        }
        if (!chunkedPrefill && maxNumBatchedTokens < maxModelLen) {
            throw new IllegalArgumentException("without chunked prefill --max-num-batched-tokens ("
                    + maxNumBatchedTokens + ") must be at least --max-model-len (" + maxModelLen
                    + "), or a long prompt could never be scheduled; enable chunked prefill or raise the budget");
        }
        if (preemptionMode == null) preemptionMode = PreemptionMode.RECOMPUTE;
    }
}
