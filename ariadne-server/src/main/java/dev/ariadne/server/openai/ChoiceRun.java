package dev.ariadne.server.openai;

import dev.ariadne.sample.SamplingParams;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine requests behind one HTTP request: one per (prompt, choice), choice index {@code prompt * n + i} as
 * vLLM numbers them. Iterate with {@link #next()}; {@link #close()} aborts whatever has not finished, so a client
 * that disconnects (or a handler that throws) frees its KV blocks at once.
 */
final class ChoiceRun implements AutoCloseable {
    /** How often a request thread checks on the engine and beats its heartbeat while it waits. */
    private static final long BEAT_NANOS = 1_000_000_000L;

    /** What a request thread does once a second while it collects events (a whole answer's keep-alive write). */
    interface Heartbeat {
        void beat() throws IOException;
    }

    private final EngineLoop loop;
    private final ChoiceEvents events = new ChoiceEvents();
    private final List<EngineLoop.Submission> submissions = new ArrayList<>();
    private final boolean[] done;
    private int remaining;
    private long lastBeat = System.nanoTime();

    /** Submits every choice; {@code params.get(c)} is choice c's. Throws {@link ApiError} 503 when the server is full. */
    ChoiceRun(EngineLoop loop, List<int[]> prompts, int n, List<SamplingParams> params) {
        this.loop = loop;
        this.done = new boolean[prompts.size() * n];
        try {
            for (int p = 0; p < prompts.size(); p++) {
                for (int i = 0; i < n; i++) {
                    int c = p * n + i;
                    submissions.add(loop.submit(prompts.get(p), params.get(c), 0, events, c));
                    remaining++;
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    int choices() {
        return done.length;
    }

    /** As {@link #next()}, calling {@code heartbeat} once a second (events flowing or not). */
    ChoiceEvents.Event next(Heartbeat heartbeat) throws InterruptedException, IOException {
        while (remaining > 0) {
            long now = System.nanoTime();
            if (now - lastBeat >= BEAT_NANOS) {
                lastBeat = now;
                if (loop.deadReason() != null) throw ApiError.unavailable("the engine has stopped: " + loop.deadReason());
                heartbeat.beat();
            }
            ChoiceEvents.Event e = events.poll(BEAT_NANOS - (now - lastBeat));
            if (e == null) continue;
            if (e instanceof ChoiceEvents.Finished || e instanceof ChoiceEvents.Failed) {
                done[e.choice()] = true;
                remaining--;
            }
            return e;
        }
        return null;
    }

    @Override
    public void close() {
        for (int c = 0; c < submissions.size(); c++) {
            if (!done[c]) loop.abort(submissions.get(c));
        }
    }
}
