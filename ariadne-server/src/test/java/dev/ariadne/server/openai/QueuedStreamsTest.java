package dev.ariadne.server.openai;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.ariadne.config.CacheConfig;
import dev.ariadne.config.EngineConfig;
import dev.ariadne.config.SchedulingConfig;
import dev.ariadne.testing.SharedKit;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streams that wait (one request runs at a time here, so the rest queue for seconds): the server's SSE keep-alive
 * comments must not disturb the official clients, and must find a client that leaves while it waits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueuedStreamsTest {
    private static final String BLOCKER = "{\"prompt\": [5, 6, 7], \"max_tokens\": 8000, \"ignore_eos\": true,"
            + " \"temperature\": 0}";
    private TestServer server;

    @BeforeAll
    void start() {
        server = TestServer.start(EngineConfig.defaults(SharedKit.file("models/qwen3-chat/qwen3-chat-Q8_0.gguf"))
                .withThreads(2).withMaxModelLen(8192, true).withCache(CacheConfig.defaults().withNumBlocksOverride(1024))
                .withScheduling(new SchedulingConfig(1, true, null)), ServerOptions.local("qwen3-chat"));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /**
     * Starts a long request and waits until it runs: everything sent after it waits. Closing the returned socket
     * abandons it (the server aborts it within a second or two).
     */
    private Socket block() throws Exception {
        Socket s = new Socket("127.0.0.1", server.server.port());
        post(s, BLOCKER);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (server.server.engineLoop().snapshot().running() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals(1, server.server.engineLoop().snapshot().running());
        return s;
    }

    private static void post(Socket s, String json) throws java.io.IOException {
        OutputStream out = s.getOutputStream();
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private static ChatCompletionCreateParams hello() {
        return ChatCompletionCreateParams.builder().model("qwen3-chat").addUserMessage("Hello! Who are you?")
                .maxCompletionTokens(8).temperature(0.0).build();
    }

    @Test
    void bothSdksReadAStreamThatWaitedThroughKeepAlives() throws Exception {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl() + "/v1").apiKey("unused")
                .maxRetries(0).timeout(Duration.ofSeconds(120)).build();
        try {
            String expected = client.chat().completions().create(hello()).choices().getFirst().message().content()
                    .orElseThrow();
            String streamed;
            Socket blocker = block();
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(hello())) {
                streamed = s.stream().flatMap(ch -> ch.choices().stream())
                        .map(ch -> ch.delta().content().orElse("")).collect(Collectors.joining());
            }
            blocker.close();
            assertEquals(expected, streamed);

            blocker = block();
            OpenAiStreamingChatModel lc = OpenAiStreamingChatModel.builder().baseUrl(server.baseUrl() + "/v1")
                    .apiKey("unused").modelName("qwen3-chat").temperature(0.0).maxTokens(8)
                    .timeout(Duration.ofSeconds(120)).build();
            StringBuilder partial = new StringBuilder();
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();
            lc.chat("Hello! Who are you?", new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String text) {
                    partial.append(text);
                }

                @Override
                public void onCompleteResponse(ChatResponse r) {
                    done.complete(r);
                }

                @Override
                public void onError(Throwable t) {
                    done.completeExceptionally(t);
                }
            });
            done.get(120, TimeUnit.SECONDS);
            blocker.close();
            assertEquals(expected, partial.toString());
        } finally {
            client.close();
        }
        assertTrue(server.drained());
    }

    @Test
    void aStreamAbandonedWhileQueuedLeavesTheQueue() throws Exception {
        Socket blocker = block();
        try (Socket s = new Socket("127.0.0.1", server.server.port())) {
            s.setSoTimeout(30_000);
            post(s, "{\"prompt\": [1, 2], \"max_tokens\": 4, \"stream\": true}");
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith(": keep-alive")) break;   // it waits, and the server says so
            }
            assertEquals(1, server.server.engineLoop().snapshot().waiting());
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.server.engineLoop().snapshot().waiting() > 0 && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(0, server.server.engineLoop().snapshot().waiting(), "the abandoned stream still waits");
        assertEquals(1, server.server.engineLoop().snapshot().running(), "found while the blocker still runs");
        blocker.close();
        assertTrue(server.drained());
    }
}
