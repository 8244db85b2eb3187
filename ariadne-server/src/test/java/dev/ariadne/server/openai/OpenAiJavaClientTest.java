package dev.ariadne.server.openai;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The official openai-java SDK against the server, on the kit's Qwen3-tokenizer chat model (random weights). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiJavaClientTest {
    private TestServer server;
    private OpenAIClient client;

    @BeforeAll
    void start() {
        server = TestServer.start(SharedKit.file("models/qwen3-chat/qwen3-chat-Q8_0.gguf"),
                ServerOptions.local("qwen3-chat"), 512, 256);
        client = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl() + "/v1").apiKey("unused").maxRetries(0)
                .build();
    }

    @AfterAll
    void stop() {
        client.close();
        server.close();
    }

    @AfterEach
    void drained() throws InterruptedException {
        assertTrue(server.drained(), "leak: requests or KV blocks left behind");
    }

    @Test
    void chatCompletionHasContentAndUsage() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("qwen3-chat").addUserMessage("Hello! Who are you?").maxCompletionTokens(8).temperature(0.0)
                .build());
        assertEquals(1, c.choices().size());
        assertEquals(8, c.usage().orElseThrow().completionTokens());
        assertEquals(14, c.usage().orElseThrow().promptTokens());
        assertTrue(c.choices().getFirst().message().content().isPresent());
    }

    @Test
    void streamedChatEqualsWholeChat() {
        ChatCompletionCreateParams p = ChatCompletionCreateParams.builder().model("qwen3-chat")
                .addUserMessage("Hello! Who are you?").maxCompletionTokens(12).temperature(0.0).build();
        String whole = client.chat().completions().create(p).choices().getFirst().message().content().orElseThrow();
        String streamed;
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(p)) {
            streamed = s.stream().flatMap(ch -> ch.choices().stream())
                    .map(ch -> ch.delta().content().orElse("")).collect(Collectors.joining());
        }
        assertEquals(whole, streamed);
    }

    @Test
    void completionOfTokenIds() {
        Completion c = client.completions().create(CompletionCreateParams.builder().model("qwen3-chat")
                .prompt(CompletionCreateParams.Prompt.ofArrayOfTokens(java.util.List.of(191L, 206L, 674L)))
                .maxTokens(5).temperature(0.0).build());
        assertEquals(5, c.usage().orElseThrow().completionTokens());
        assertEquals(3, c.usage().orElseThrow().promptTokens());
    }
}
