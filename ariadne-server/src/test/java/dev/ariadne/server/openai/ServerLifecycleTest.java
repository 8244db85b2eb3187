package dev.ariadne.server.openai;

import dev.ariadne.config.CacheConfig;
import dev.ariadne.config.EngineConfig;
import dev.ariadne.engine.LLM;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading (503), a full queue (503), and a client that disconnects mid-stream (its request aborted, blocks freed). */
class ServerLifecycleTest {
    private static final String LONG_STREAM = "{\"prompt\": [1, 2, 3], \"max_tokens\": 500, \"ignore_eos\": true,"
            + " \"temperature\": 0, \"stream\": true}";

    @Test
    void healthIs503WhileLoadingThen200() throws Exception {
        try (ApiServer server = new ApiServer(ServerOptions.local("m"), line -> { })) {
            String base = "http://127.0.0.1:" + server.port();
            assertEquals(503, Http.get(base + "/health").status());
            assertEquals(503, Http.get(base + "/v1/models").status());
            assertEquals(503, Http.post(base + "/v1/completions", "{\"prompt\": \"a\"}").status());
            try (LLM llm = LLM.load(EngineConfig.defaults(SharedKit.file("models/stories260K/stories260K.gguf"))
                    .withThreads(2), KernelProvider.best(), line -> { })) {
                server.attach(llm);
                assertEquals(200, Http.get(base + "/health").status());
                assertEquals("m", Http.get(base + "/v1/models").json().at("/data/0/id").asText());
                server.close();   // before the LLM closes: the engine thread must stop first
            }
        }
    }

    @Test
    void fullQueueIs503AndADisconnectedStreamIsAbortedAtOnce() throws Exception {
        try (TestServer t = TestServer.start(SharedKit.file("models/qwen3-chat/qwen3-chat-Q8_0.gguf"),
                ServerOptions.local("m").withLimits(1 << 20, 1), 512, 64)) {
            try (Socket s = new Socket("127.0.0.1", t.server.port())) {
                s.setSoTimeout(30_000);
                postCompletion(s, LONG_STREAM);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                assertTrue(in.readLine().startsWith("HTTP/1.1 200"));
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.contains("data: {")) break;   // the first token has streamed: the request is running
                }
                Http.Reply refused = Http.post(t.baseUrl() + "/v1/completions", "{\"prompt\": [1], \"max_tokens\": 2}");
                assertEquals(503, refused.status(), refused.body());
                assertTrue(refused.json().at("/error/message").asText().contains("--max-queued-requests"));
            }
            // The socket is closed mid-stream: the server's next write fails and the request is aborted.
            assertTrue(t.drained(), "the disconnected request still holds its slot or its KV blocks");
            String metrics = Http.get(t.baseUrl() + "/metrics").body();
            assertTrue(metrics.contains("vllm:request_success_total{finished_reason=\"abort\",model_name=\"m\"} 1.0"),
                    metrics);
            assertEquals(200, Http.post(t.baseUrl() + "/v1/completions", "{\"prompt\": [1], \"max_tokens\": 2}")
                    .status(), "the slot is free again");
        }
    }

    @Test
    void aClientThatLeavesBeforeAWholeAnswerIsAbortedToo() throws Exception {
        try (TestServer t = TestServer.start(SharedKit.file("models/qwen3-chat/qwen3-chat-Q8_0.gguf"),
                ServerOptions.local("m"), 4096, 512)) {
            String whole = "{\"prompt\": [1, 2, 3], \"max_tokens\": 4000, \"ignore_eos\": true}";
            try (Socket s = new Socket("127.0.0.1", t.server.port())) {
                postCompletion(s, whole);
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (t.server.engineLoop().snapshot().running() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertEquals(1, t.server.engineLoop().snapshot().running(), "the request runs");
            }
            // 4000 tokens take many seconds; the abort must come long before.
            assertTrue(t.drained(), "the abandoned request still runs or holds KV blocks");
            String metrics = Http.get(t.baseUrl() + "/metrics").body();
            assertTrue(metrics.contains("vllm:request_success_total{finished_reason=\"abort\",model_name=\"m\"} 1.0"),
                    metrics);
        }
    }

    /** Sends a completion request over a raw socket, which the test can close at a moment of its choosing. */
    private static void postCompletion(Socket s, String json) throws java.io.IOException {
        OutputStream out = s.getOutputStream();
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }
}
