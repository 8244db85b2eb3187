package dev.ariadne.sched;

/** Where a request is in its life; a finished status says why it ended. */
public enum RequestStatus {
    WAITING,
    RUNNING,
    /** Taken off the running set to free blocks; waits at the front of the queue (recompute or swapped out). */
    PREEMPTED,
    FINISHED_STOPPED,
    FINISHED_LENGTH,
    FINISHED_ABORTED;

    public boolean isFinished() {
        return ordinal() >= FINISHED_STOPPED.ordinal();
    }

    /** The OpenAI {@code finish_reason}: stop, length or abort. */
    public String finishReason() {
        return switch (this) {
            case FINISHED_STOPPED -> "stop";
            case FINISHED_LENGTH -> "length";
            case FINISHED_ABORTED -> "abort";
            default -> null;
        };
    }
}
