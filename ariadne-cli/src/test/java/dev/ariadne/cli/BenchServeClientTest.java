package dev.ariadne.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's stream reading against a scripted server on 127.0.0.1: a good stream is timed chunk by chunk; every
 * kind of bad answer (status, error event, cut stream, bad JSON, no server) is a failed outcome with its reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BenchServeClientTest {
    private static final String TEXT_CHUNK = "{\"id\":\"c\",\"object\":\"text_completion\",\"choices\":[{\"index\":0,"
            + "\"text\":\"%s\",\"finish_reason\":null}]}";
    private static final String FINISH = "{\"id\":\"c\",\"choices\":[{\"index\":0,\"text\":\"\",\"finish_reason\":\"length\"}]}";
    private static final String USAGE = "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,"
            + "\"completion_tokens\":4,\"total_tokens\":11}}";
    private static final long GAP_MS = 30;

    private HttpServer server;
    private BenchServeClient client;

    @BeforeAll
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/ok", ex -> sse(ex, true, String.format(TEXT_CHUNK, "a"), String.format(TEXT_CHUNK, ""),
                String.format(TEXT_CHUNK, "b"), String.format(TEXT_CHUNK, "c"), FINISH, USAGE, "[DONE]"));
        server.createContext("/chat", ex -> sse(ex, false,
                "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"hm\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}", "[DONE]"));
        server.createContext("/status", ex -> {
            byte[] b = "{\"error\":{\"message\":\"too busy\"}}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(503, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.createContext("/error", ex -> sse(ex, false, String.format(TEXT_CHUNK, "a"),
                "{\"error\":{\"message\":\"the engine failed\",\"code\":500}}", "[DONE]"));
        server.createContext("/cut", ex -> sse(ex, false, String.format(TEXT_CHUNK, "a")));
        server.createContext("/bad-json", ex -> sse(ex, false, "{\"choices\": [", "[DONE]"));
        server.start();
        client = new BenchServeClient("http://127.0.0.1:" + server.getAddress().getPort(), null);
    }

    @AfterAll
    void stop() {
        client.close();
        server.stop(0);
    }

    /** Writes each payload as one {@code data:} event, flushed, optionally {@link #GAP_MS} apart. */
    private static void sse(HttpExchange ex, boolean paced, String... payloads) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            for (String p : payloads) {
                if (paced) sleep();
                out.write(("data: " + p + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(GAP_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ObjectNode body() {
        return JsonNodeFactory.instance.objectNode().put("stream", true);
    }

    @Test
    void goodStreamIsTimedAndCountedFromUsage() throws InterruptedException {
        BenchServeOutcome o = client.stream("/ok", body(), 99);
        assertNull(o.error());
        assertEquals(7, o.promptTokens());
        assertEquals(4, o.outputTokens());
        // Four token chunks ("a", "", "b", "c": a token may carry no text, as vLLM streams one chunk per token), a
        // pause before every event: the first after one pause, the last after four. A chunk read late (the test
        // server may hold its first chunk back) moves time between TTFT and the gaps, so the bound is on both
        // together: TTFT plus the three gaps is when the last token chunk came.
        assertEquals(3, o.itlNanos().length);
        assertTrue(o.ttftNanos() >= GAP_MS * 1_000_000, "ttft " + o.ttftNanos());
        long sum = 0;
        for (long itl : o.itlNanos()) sum += itl;
        assertTrue(o.ttftNanos() + sum >= (4 * GAP_MS - 5) * 1_000_000, "ttft + itl sum " + (o.ttftNanos() + sum));
        assertTrue(o.e2eNanos() >= 7 * GAP_MS * 1_000_000 && o.e2eNanos() > o.ttftNanos(), "e2e " + o.e2eNanos());
    }

    @Test
    void chatContentAndReasoningCountAndTheRoleChunkDoesNot() throws InterruptedException {
        BenchServeOutcome o = client.stream("/chat", body(), 12);
        assertNull(o.error());
        assertEquals(1, o.itlNanos().length);
        // No usage chunk: the client's own prompt count, and one output token per content chunk.
        assertEquals(12, o.promptTokens());
        assertEquals(2, o.outputTokens());
    }

    @Test
    void badAnswersAreFailuresWithTheirReason() throws InterruptedException {
        assertEquals("HTTP 503: {\"error\":{\"message\":\"too busy\"}}", client.stream("/status", body(), 1).error());
        assertEquals("error event: the engine failed", client.stream("/error", body(), 1).error());
        assertEquals("the stream ended before data: [DONE]", client.stream("/cut", body(), 1).error());
        assertTrue(client.stream("/bad-json", body(), 1).error().startsWith("malformed JSON in the stream: "));
    }

    @Test
    void noServerIsAConnectionFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (BenchServeClient nobody = new BenchServeClient("http://127.0.0.1:" + port, null)) {
            BenchServeOutcome o = nobody.stream("/v1/completions", body(), 1);
            assertTrue(o.error().startsWith("connection: "), o.error());
        }
    }
}
