package dev.ariadne.sched;

import java.util.List;

/**
 * The only contract between the scheduler and the runner: what one step computes. Immutable.
 *
 * @param chunks            requests in this step, each with its chunk of tokens
 * @param numTokens         total tokens over all chunks (at most the budget)
 * @param swapOut           blocks to copy to the swap tier before the step (victims swapped out this step)
 * @param swapIn            swap slots to copy back into fresh blocks before the step (requests resuming)
 * @param preempted         requests preempted this step
 */
public record SchedulerOutput(List<ScheduledChunk> chunks, int numTokens, List<BlockCopy> swapOut,
                              List<BlockCopy> swapIn, List<Request> preempted) {
    public SchedulerOutput {
        chunks = List.copyOf(chunks);
        swapOut = List.copyOf(swapOut);
        swapIn = List.copyOf(swapIn);
        preempted = List.copyOf(preempted);
    }

    public boolean isEmpty() {
        return chunks.isEmpty() && swapOut.isEmpty() && swapIn.isEmpty();
    }
}
