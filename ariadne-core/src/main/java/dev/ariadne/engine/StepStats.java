package dev.ariadne.engine;

import dev.ariadne.sched.ScheduledChunk;
import dev.ariadne.sched.SchedulerOutput;

import java.util.List;

/**
 * Where the engine's step time goes: steps that only decode (every chunk computes one generated token) apart from
 * steps that compute prompt tokens (prefill chunks, possibly with decodes beside them). The decode-only rate is the
 * batched decode speed a benchmark compares with single-sequence decode; the other is bound by prefill arithmetic.
 * Counts since the engine started or the last {@link #reset()}; one thread (the engine's) writes them.
 */
public final class StepStats {
    private long decodeSteps, decodeNanos, decodeTokens;
    private long prefillSteps, prefillNanos, prefillPromptTokens, prefillOutputTokens;

    void record(SchedulerOutput out, int sampled, long nanos) {
        List<ScheduledChunk> chunks = out.chunks();
        int promptTokens = 0;
        for (int i = 0; i < chunks.size(); i++) {
            ScheduledChunk c = chunks.get(i);
            boolean decode = c.numTokens() == 1 && c.start() >= c.request().promptLength();
            if (!decode) promptTokens += c.numTokens();
        }
        if (promptTokens == 0) {
            decodeSteps++;
            decodeNanos += nanos;
            decodeTokens += sampled;
        } else {
            prefillSteps++;
            prefillNanos += nanos;
            prefillPromptTokens += promptTokens;
            prefillOutputTokens += sampled;
        }
    }

    public void reset() {
        decodeSteps = decodeNanos = decodeTokens = 0;
        prefillSteps = prefillNanos = prefillPromptTokens = prefillOutputTokens = 0;
    }

    /** Steps in which every scheduled request decoded one token. */
    public long decodeSteps() {
        return decodeSteps;
    }

    public double decodeSeconds() {
        return decodeNanos / 1e9;
    }

    /** Tokens sampled in decode-only steps. */
    public long decodeTokens() {
        return decodeTokens;
    }

    /** Output tokens per second within decode-only steps (0 when there were none). */
    public double decodeTokensPerSecond() {
        return decodeNanos == 0 ? 0 : decodeTokens / decodeSeconds();
    }

    /** Mean number of sequences in a decode-only step. */
    public double meanDecodeBatch() {
        return decodeSteps == 0 ? 0 : (double) decodeTokens / decodeSteps;
    }

    /** Steps that computed prompt tokens. */
    public long prefillSteps() {
        return prefillSteps;
    }

    public double prefillSeconds() {
        return prefillNanos / 1e9;
    }

    /** Prompt tokens computed per second within prompt steps (0 when there were none). */
    public double prefillTokensPerSecond() {
        return prefillNanos == 0 ? 0 : prefillPromptTokens / prefillSeconds();
    }

    /** Prompt tokens computed (prefill chunks, including recomputed ones after preemption). */
    public long prefillPromptTokens() {
        return prefillPromptTokens;
    }

    /** Tokens sampled in steps that also computed prompt tokens (first tokens and decodes riding along). */
    public long prefillOutputTokens() {
        return prefillOutputTokens;
    }
}
