package dev.ariadne.sched;

import dev.ariadne.sample.SamplingParams;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One generation request as the scheduler sees it: its tokens (prompt, then output as it is sampled) and how many
 * of them have their keys and values in the cache. There are no prefill or decode phases: each step computes some
 * of {@code tokens[numComputedTokens .. numTokens)}, and when it reaches the end a new token is sampled.
 *
 * <pre>
 * tokens      [ p0 p1 ... p(P-1) | o0 o1 ... o(k-1) ]      numTokens = P + k
 *              <--- numComputedTokens ---->                 (the rest is computed by the next steps)
 * </pre>
 */
public final class Request {
    private final long id;
    private final int[] tokens;           // [promptLen + room for output], capacity fixed at admission
    private final int promptLen;
    private final SamplingParams params;
    private final SplittableRandom rng;   // this request's own generator: same seed, same output in any batch
    private final long cacheSalt;
    private final boolean ropeUnscaled;   // per-request YaRN: fits the original context, runs without the scaling
    int numTokens;
    int numComputedTokens;
    int numCachedTokens;                  // prompt tokens found in the prefix cache at (the latest) admission
    int numPreemptions;
    RequestStatus status = RequestStatus.WAITING;
    int[] swapSlots;                      // when swapped out: slot of each computed block, else null
    boolean scheduledThisStep;

    /**
     * @param id        engine-wide, increasing in arrival order (the newest has the highest id)
     * @param maxLen    most tokens this request may reach (its max model length)
     * @param cacheSalt mixed into its block hashes: requests with different salts never share cached blocks
     */
    public Request(long id, int[] promptIds, SamplingParams params, int maxLen, long cacheSalt) {
        this(id, promptIds, params, maxLen, cacheSalt, false);
    }

    /**
     * @param ropeUnscaled run without the model's rope scaling (per-request YaRN's short requests); fixed for the
     *                     request's life, so a recompute after preemption and its prefix-cache hashes keep it
     */
    public Request(long id, int[] promptIds, SamplingParams params, int maxLen, long cacheSalt,
                   boolean ropeUnscaled) {
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("the prompt is empty");
        }
        this.id = id;
        this.promptLen = promptIds.length;
        this.params = params;
        long room = Math.min((long) promptIds.length + params.maxTokens(), Math.max(maxLen, promptIds.length));
        this.tokens = Arrays.copyOf(promptIds, (int) room);
        this.numTokens = promptIds.length;
        this.rng = new SplittableRandom(params.seed());
        this.cacheSalt = cacheSalt;
        this.ropeUnscaled = ropeUnscaled;
    }

    public long id() {
        return id;
    }

    public SamplingParams params() {
        return params;
    }

    public SplittableRandom rng() {
        return rng;
    }

    public long cacheSalt() {
        return cacheSalt;
    }

    /** Whether it runs without the model's rope scaling (per-request YaRN), for its whole life. */
    public boolean ropeUnscaled() {
        return ropeUnscaled;
    }

    /** Prompt then output tokens; entries {@code [0, numTokens())} are valid (read only). */
    public int[] tokens() {
        return tokens;
    }

    public int promptLength() {
        return promptLen;
    }

    public int numTokens() {
        return numTokens;
    }

    public int numOutputTokens() {
        return numTokens - promptLen;
    }

    public int outputToken(int i) {
        return tokens[promptLen + i];
    }

    public int[] outputIds() {
        return Arrays.copyOfRange(tokens, promptLen, numTokens);
    }

    public int numComputedTokens() {
        return numComputedTokens;
    }

    public int numCachedTokens() {
        return numCachedTokens;
    }

    public int numPreemptions() {
        return numPreemptions;
    }

    public RequestStatus status() {
        return status;
    }

    public boolean isSwapped() {
        return swapSlots != null;
    }

    /** Most tokens this request can reach (prompt + max tokens, capped by the max model length). */
    public int maxTokensTotal() {
        return tokens.length;
    }

    void append(int token) {
        tokens[numTokens++] = token;
    }

    @Override
    public String toString() {
        return "Request[" + id + ", " + status + ", tokens " + numTokens + ", computed " + numComputedTokens
                + (ropeUnscaled ? ", rope unscaled" : "") + "]";
    }
}
