package dev.ariadne.server.openai;

import dev.ariadne.engine.RequestOutput;
import dev.ariadne.sample.SampleLogprobs;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What the engine thread hands to one HTTP request's thread: the tokens, finishes and failures of all its choices,
 * in order, through one queue (so a request with n choices waits on one place). The engine thread only offers; the
 * request thread only takes.
 */
public final class ChoiceEvents {

    /** One event of choice {@code choice}. */
    public sealed interface Event permits Token, Finished, Failed {
        int choice();
    }

    /**
     * A sampled token, or text released at the end ({@code index} -1).
     *
     * @param logprobs null unless the request asked for them
     */
    public record Token(int choice, int index, int token, String textDelta, SampleLogprobs logprobs) implements Event {
    }

    public record Finished(int choice, RequestOutput output) implements Event {
    }

    /** The engine refused or lost the request (the message says why); no more events for this choice. */
    public record Failed(int choice, String message, boolean clientError) implements Event {
    }

    private final LinkedBlockingQueue<Event> queue = new LinkedBlockingQueue<>();

    void offer(Event e) {
        queue.add(e);
    }

    /** The next event, or null after {@code timeoutNanos}. */
    public Event poll(long timeoutNanos) throws InterruptedException {
        return queue.poll(timeoutNanos, TimeUnit.NANOSECONDS);
    }
}
