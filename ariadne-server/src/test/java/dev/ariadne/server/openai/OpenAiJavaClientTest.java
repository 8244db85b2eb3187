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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

    private ChatCompletion chat(ChatCompletionCreateParams.Builder b) {
        return client.chat().completions().create(b.build());
    }

    private static ChatCompletionCreateParams.Builder hello() {
        return ChatCompletionCreateParams.builder().model("qwen3-chat").addUserMessage("Hello! Who are you?")
                .maxCompletionTokens(12);
    }

    @Test
    void stopStringEndsTheTextBeforeIt() {
        String whole = chat(hello().temperature(0.0)).choices().getFirst().message().content().orElseThrow();
        int[] cps = whole.codePoints().toArray();
        assertTrue(cps.length >= 6, whole);
        String stop = new String(cps, 3, 2);
        ChatCompletion c = chat(hello().temperature(0.0).stop(stop));
        var choice = c.choices().getFirst();
        assertEquals(whole.substring(0, whole.indexOf(stop)), choice.message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, choice.finishReason());
        assertEquals(stop, choice._additionalProperties().get("stop_reason").asString().orElseThrow());
    }

    @Test
    void theSameSeedGivesTheSameSample() {
        String a = chat(hello().temperature(1.0).seed(42)).choices().getFirst().message().content().orElseThrow();
        String b = chat(hello().temperature(1.0).seed(42)).choices().getFirst().message().content().orElseThrow();
        String c = chat(hello().temperature(1.0).seed(43)).choices().getFirst().message().content().orElseThrow();
        assertEquals(a, b);
        assertNotEquals(a, c, "another seed, another sample (151936 tokens, random weights)");
    }

    @Test
    void nChoicesAreSeedPlusIndexEach() {
        ChatCompletion three = chat(hello().temperature(1.0).seed(7).n(3));
        assertEquals(3, three.choices().size());
        for (int i = 0; i < 3; i++) {
            assertEquals(i, three.choices().get(i).index());
            String alone = chat(hello().temperature(1.0).seed(7 + i)).choices().getFirst().message().content()
                    .orElseThrow();
            assertEquals(alone, three.choices().get(i).message().content().orElseThrow(), "choice " + i);
        }
        assertEquals(36, three.usage().orElseThrow().completionTokens());
        assertEquals(14, three.usage().orElseThrow().promptTokens());
    }

    @Test
    void chatLogprobsRankTheGreedyTokenFirst() {
        ChatCompletion c = chat(hello().temperature(0.0).logprobs(true).topLogprobs(3L));
        var content = c.choices().getFirst().logprobs().orElseThrow().content().orElseThrow();
        assertEquals(12, content.size());
        StringBuilder text = new StringBuilder();
        for (var t : content) {
            assertEquals(3, t.topLogprobs().size());
            assertEquals(t.topLogprobs().getFirst().logprob(), t.logprob(), 1e-6, "greedy picks the top token");
            assertTrue(t.logprob() <= 0);
            assertTrue(t.topLogprobs().get(1).logprob() <= t.topLogprobs().get(0).logprob());
            text.append(t.token());
        }
        String whole = c.choices().getFirst().message().content().orElseThrow();
        if (!whole.contains("\uFFFD")) assertEquals(whole, text.toString(), "tokens spell the text");
    }

    @Test
    void completionLogprobsAndStreamedUsage() {
        CompletionCreateParams p = CompletionCreateParams.builder().model("qwen3-chat").prompt("Once upon a time")
                .maxTokens(6).temperature(0.0).logprobs(2).build();
        Completion c = client.completions().create(p);
        var lp = c.choices().getFirst().logprobs().orElseThrow();
        assertEquals(6, lp.tokens().orElseThrow().size());
        assertEquals(6, lp.tokenLogprobs().orElseThrow().size());
        assertEquals(6, lp.topLogprobs().orElseThrow().size());
        assertEquals(0L, lp.textOffset().orElseThrow().getFirst());
        StringBuilder streamed = new StringBuilder();
        long[] usage = new long[1];
        try (StreamResponse<Completion> s = client.completions().createStreaming(p.toBuilder()
                .streamOptions(com.openai.models.chat.completions.ChatCompletionStreamOptions.builder()
                        .includeUsage(true).build()).build())) {
            s.stream().forEach(ch -> {
                ch.choices().forEach(x -> streamed.append(x.text()));
                ch.usage().ifPresent(u -> usage[0] = u.completionTokens());
            });
        }
        assertEquals(c.choices().getFirst().text(), streamed.toString());
        assertEquals(6, usage[0]);
    }

    @Test
    void modelsListsTheServedName() {
        var models = client.models().list().data();
        assertEquals(1, models.size());
        assertEquals("qwen3-chat", models.getFirst().id());
    }

    @Test
    void tokenizeAndDetokenizeRoundTrip() throws Exception {
        Http.Reply t = Http.post(server.baseUrl() + "/tokenize", "{\"prompt\": \"Hello world\"}");
        var ids = t.json().get("tokens");
        assertEquals(ids.size(), t.json().get("count").asInt());
        assertEquals(512, t.json().get("max_model_len").asInt());
        Http.Reply d = Http.post(server.baseUrl() + "/detokenize", "{\"tokens\": " + ids + "}");
        assertEquals("Hello world", d.json().get("prompt").asText());
        Http.Reply chat = Http.post(server.baseUrl() + "/tokenize",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Hello! Who are you?\"}]}");
        assertEquals(14, chat.json().get("count").asInt(), "the kit's 14-token chat prompt");
        assertTrue(Http.get(server.baseUrl() + "/version").json().get("version").isTextual());
    }

    @Test
    void metricsSpeakVllmNames() throws Exception {
        chat(hello().temperature(0.0));
        String m = Http.get(server.baseUrl() + "/metrics").body();
        for (String name : new String[] {"vllm:num_requests_running", "vllm:num_requests_waiting",
                "vllm:kv_cache_usage_perc", "vllm:prefix_cache_queries_total", "vllm:prefix_cache_hits_total",
                "vllm:time_to_first_token_seconds_bucket", "vllm:inter_token_latency_seconds_bucket",
                "vllm:e2e_request_latency_seconds_count", "vllm:prompt_tokens_total",
                "vllm:generation_tokens_total", "vllm:request_success_total"}) {
            assertTrue(m.contains(name + "{"), name + " missing in:\n" + m);
        }
        assertTrue(m.contains("vllm:num_requests_running{model_name=\"qwen3-chat\"} 0"), m);
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
