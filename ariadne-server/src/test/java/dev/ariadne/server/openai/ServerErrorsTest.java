package dev.ariadne.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every refusal the server makes: status, OpenAI's error JSON, the offending field, and a message with numbers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerErrorsTest {
    private static final String KEY = "sk-test-key";
    private TestServer server;
    private String chat;
    private String completions;

    @BeforeAll
    void start() {
        server = TestServer.start(SharedKit.file("models/qwen3-chat/qwen3-chat-Q8_0.gguf"),
                ServerOptions.local("qwen3-chat").withApiKey(KEY).withLimits(4096, 1024), 128, 64);
        chat = server.baseUrl() + "/v1/chat/completions";
        completions = server.baseUrl() + "/v1/completions";
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @AfterEach
    void drained() throws InterruptedException {
        assertTrue(server.drained(), "leak: requests or KV blocks left behind");
    }

    private Http.Reply postWithKey(String url, String body) throws Exception {
        return Http.post(url, body, "Authorization", "Bearer " + KEY);
    }

    private static JsonNode error(Http.Reply r, int status) {
        assertEquals(status, r.status(), r.body());
        JsonNode e = r.json().get("error");
        assertEquals(status, e.get("code").asInt(), r.body());
        assertTrue(e.get("message").isTextual() && !e.get("message").asText().isEmpty(), r.body());
        assertTrue(e.get("type").isTextual(), r.body());
        return e;
    }

    @Test
    void promptPlusMaxTokensOverTheContextSaysTheNumbers() throws Exception {
        JsonNode e = error(postWithKey(completions, "{\"prompt\": [1, 2, 3, 4, 5], \"max_tokens\": 124}"), 400);
        assertEquals("max_tokens", e.get("param").asText());
        String m = e.get("message").asText();
        assertTrue(m.contains("maximum context length is 128 tokens") && m.contains("5 input tokens")
                && m.contains("124"), m);
        // Exactly at the limit is fine.
        assertEquals(200, postWithKey(completions, "{\"prompt\": [1, 2, 3, 4, 5], \"max_tokens\": 123,"
                + " \"temperature\": 0}").status());
    }

    @Test
    void promptFillingTheContextIsRefused() throws Exception {
        StringBuilder ids = new StringBuilder("[1");
        for (int i = 1; i < 128; i++) ids.append(", 7");
        JsonNode e = error(postWithKey(completions, "{\"prompt\": " + ids + "]}"), 400);
        assertTrue(e.get("message").asText().contains("your request has 128 input tokens"), e.toString());
    }

    @Test
    void badJsonIsA400() throws Exception {
        JsonNode e = error(postWithKey(chat, "{\"messages\": [}"), 400);
        assertTrue(e.get("message").asText().startsWith("Invalid JSON"), e.toString());
        error(postWithKey(chat, "[1, 2]"), 400);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"messages\": \"hi\"}|messages",
            "{\"messages\": []}|messages",
            "{\"messages\": [{\"role\": \"user\", \"content\": 5}]}|messages",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"temperature\": \"hot\"}|temperature",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 1.5}|max_tokens",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 0}|max_tokens",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"top_p\": 1.5}|top_p",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"temperature\": -1}|temperature",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"presence_penalty\": 3}|presence_penalty",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"n\": 0}|n",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"stop\": 7}|stop",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"top_logprobs\": 3}|top_logprobs",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"logprobs\": true, \"top_logprobs\": 21}|top_logprobs",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"stream\": \"yes\"}|stream",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"stream_options\": {\"include_usage\": true}}|stream_options",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}]}|tool_choice",
    })
    void wrongTypesAndRangesNameTheField(String body, String param) throws Exception {
        JsonNode e = error(postWithKey(chat, body), 400);
        assertEquals(param, e.get("param").asText(), e.toString());
    }

    @Test
    void badCompletionPrompts() throws Exception {
        assertEquals("prompt", error(postWithKey(completions, "{\"max_tokens\": 2}"), 400).get("param").asText());
        assertEquals("prompt", error(postWithKey(completions, "{\"prompt\": {\"a\": 1}}"), 400).get("param").asText());
        assertEquals("prompt", error(postWithKey(completions, "{\"prompt\": [1, 999999]}"), 400).get("param").asText());
        assertEquals("logprobs", error(postWithKey(completions, "{\"prompt\": \"a\", \"logprobs\": 30}"), 400)
                .get("param").asText());
    }

    @Test
    void withoutTheKeyIs401ButHealthAndMetricsStayOpen() throws Exception {
        error(Http.post(chat, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"), 401);
        error(Http.post(chat, "{}", "Authorization", "Bearer wrong"), 401);
        error(Http.get(server.baseUrl() + "/v1/models"), 401);
        assertEquals(200, Http.get(server.baseUrl() + "/v1/models", "Authorization", "Bearer " + KEY).status());
        assertEquals(200, Http.get(server.baseUrl() + "/health").status());
        assertEquals(200, Http.get(server.baseUrl() + "/metrics").status());
    }

    @Test
    void unknownModelIs404() throws Exception {
        JsonNode e = error(postWithKey(chat, "{\"model\": \"gpt-4\", \"messages\": [{\"role\": \"user\","
                + " \"content\": \"hi\"}]}"), 404);
        assertEquals("model", e.get("param").asText());
        assertTrue(e.get("message").asText().contains("gpt-4"), e.toString());
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        String big = "{\"prompt\": \"" + "a".repeat(5000) + "\"}";
        error(postWithKey(completions, big), 413);
    }

    @Test
    void theOpenAiSdkSeesTheErrorsAsItsOwnExceptions() {
        ChatCompletionCreateParams tooLong = ChatCompletionCreateParams.builder().model("qwen3-chat")
                .addUserMessage("Hello! Who are you?").maxCompletionTokens(1000).build();
        OpenAIClient good = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl() + "/v1").apiKey(KEY).maxRetries(0)
                .build();
        OpenAIClient bad = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl() + "/v1").apiKey("nope")
                .maxRetries(0).build();
        try {
            BadRequestException e = assertThrows(BadRequestException.class,
                    () -> good.chat().completions().create(tooLong));
            assertTrue(e.getMessage().contains("maximum context length is 128 tokens"), e.getMessage());
            assertThrows(NotFoundException.class, () -> good.chat().completions().create(tooLong.toBuilder()
                    .model("gpt-4").build()));
            assertThrows(UnauthorizedException.class, () -> bad.models().list());
        } finally {
            good.close();
            bad.close();
        }
    }

    @Test
    void unknownPathIs404AndWrongMethod405() throws Exception {
        error(Http.get(server.baseUrl() + "/v1/nothing", "Authorization", "Bearer " + KEY), 404);
        error(Http.get(chat, "Authorization", "Bearer " + KEY), 405);
    }
}
