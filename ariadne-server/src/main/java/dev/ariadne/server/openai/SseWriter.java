package dev.ariadne.server.openai;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events as OpenAI frames a stream: {@code data: <json>\n\n} per chunk, {@code data: [DONE]\n\n} last.
 * Every event is flushed at once (a token is worth sending the moment it exists); a write that fails means the
 * client has gone, which the caller turns into an abort.
 */
final class SseWriter implements AutoCloseable {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final long KEEP_ALIVE_NANOS = 1_000_000_000L;
    private final OutputStream out;
    // One event is assembled here and written at once: Jetty's output stream sends every write as its own chunk.
    private final ByteArrayOutputStream event = new ByteArrayOutputStream(512);
    private long lastWrite = System.nanoTime();

    SseWriter(OutputStream out) {
        this.out = out;
    }

    void send(JsonNode chunk) throws IOException {
        event.reset();
        event.write(DATA);
        event.write(Exchange.JSON_bytes(chunk));
        event.write(END);
        event.writeTo(out);
        out.flush();
        lastWrite = System.nanoTime();
    }

    /**
     * After a second with nothing sent (the request waits in the queue or its prompt is being computed), an SSE
     * comment line, which every SSE client skips: only a write finds a client that has gone, and the request is
     * then aborted instead of holding its place.
     */
    void keepAlive() throws IOException {
        if (System.nanoTime() - lastWrite < KEEP_ALIVE_NANOS) return;
        out.write(KEEP_ALIVE);
        out.flush();
        lastWrite = System.nanoTime();
    }

    void done() throws IOException {
        out.write(DONE);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
