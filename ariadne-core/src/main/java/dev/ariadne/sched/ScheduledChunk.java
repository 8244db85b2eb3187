package dev.ariadne.sched;

/**
 * One request's share of a step: its tokens {@code [start, start + numTokens)} (prompt and output so far) are
 * computed at positions {@code start ..}. When the chunk reaches the request's last token, the step samples the
 * request's next token from that token's logits.
 */
public record ScheduledChunk(Request request, int start, int numTokens) {
    /** True when this chunk computes the request's last known token, so a new token is sampled. */
    public boolean samples() {
        return start + numTokens == request.numTokens();
    }
}
