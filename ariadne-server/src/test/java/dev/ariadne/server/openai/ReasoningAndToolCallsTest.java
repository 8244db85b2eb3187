package dev.ariadne.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import dev.ariadne.testing.ScriptedChatModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --reasoning-parser qwen3} and {@code --tool-call-parser hermes} end to end, through the openai-java SDK,
 * on scripted models ({@link ScriptedChatModel}) whose greedy output is a known Qwen3-style answer: a thinking
 * block then text, or a hermes tool call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReasoningAndToolCallsTest {
    static final String THINKING = "<think>The user greets me.\n</think>\n\nHello there!";
    /** No newlines: "\n" (198) is the trigger of a chat prompt, which a bigram model cannot also emit. */
    static final String TOOL_CALL = "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\":\"Paris\"}}</tool_call>";

    private TestServer thinking;
    private TestServer tools;
    private OpenAIClient thinkingClient;
    private OpenAIClient toolsClient;

    @BeforeAll
    void start() {
        thinking = TestServer.startScripted(ScriptedChatModel.builder()
                        .script(ScriptedChatModel.THINKING_PROMPT_END, THINKING).writeCached(),
                ServerOptions.local("qwen3").withParsers("qwen3", null, false));
        tools = TestServer.startScripted(ScriptedChatModel.builder()
                        .script(ScriptedChatModel.THINKING_PROMPT_END, TOOL_CALL).writeCached(),
                ServerOptions.local("qwen3").withParsers(null, "hermes", true));
        thinkingClient = client(thinking);
        toolsClient = client(tools);
    }

    static OpenAIClient client(TestServer s) {
        return OpenAIOkHttpClient.builder().baseUrl(s.baseUrl() + "/v1").apiKey("unused").maxRetries(0).build();
    }

    @AfterAll
    void stop() {
        thinkingClient.close();
        toolsClient.close();
        thinking.close();
        tools.close();
    }

    @AfterEach
    void drained() throws InterruptedException {
        assertTrue(thinking.drained() && tools.drained(), "leak: requests or KV blocks left behind");
    }

    private static ChatCompletionCreateParams.Builder hello() {
        return ChatCompletionCreateParams.builder().model("qwen3").addUserMessage("Hello!").temperature(0.0)
                .maxCompletionTokens(64);
    }

    private static String reasoningOf(Map<String, JsonValue> extra) {
        JsonValue v = extra.get("reasoning_content");
        if (v == null) return null;
        Object text = v.asString().orElse(null);
        return text == null ? null : text.toString();
    }

    @Test
    void thinkingGoesToReasoningContent() {
        ChatCompletion c = thinkingClient.chat().completions().create(hello().build());
        var message = c.choices().getFirst().message();
        assertEquals("The user greets me.\n", reasoningOf(message._additionalProperties()));
        assertEquals("\n\nHello there!", message.content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().getFirst().finishReason());
    }

    @Test
    void streamedReasoningAndContentAddUpToTheWholeMessage() {
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = thinkingClient.chat().completions().createStreaming(hello().build())) {
            s.stream().flatMap(ch -> ch.choices().stream()).forEach(ch -> {
                String r = reasoningOf(ch.delta()._additionalProperties());
                if (r != null) reasoning.append(r);
                ch.delta().content().ifPresent(content::append);
            });
        }
        assertEquals("The user greets me.\n", reasoning.toString());
        assertEquals("\n\nHello there!", content.toString());
    }

    @Test
    void withThinkingOffEverythingIsContent() throws Exception {
        // enable_thinking=false renders "<think>\n\n</think>\n\n" into the prompt, so the bigram model picks up its
        // script after the closing "\n\n": "Hello there!". The parser, told thinking is off, takes it all as content.
        Http.Reply r = Http.post(thinking.baseUrl() + "/v1/chat/completions", "{\"messages\": [{\"role\": \"user\","
                + " \"content\": \"Hi\"}], \"max_tokens\": 4, \"temperature\": 0,"
                + " \"chat_template_kwargs\": {\"enable_thinking\": false}}");
        JsonNode m = r.json().at("/choices/0/message");
        assertEquals("Hello there!", m.get("content").asText(), r.body());
        assertTrue(m.get("reasoning_content").isNull(), r.body());
    }

    private static ChatCompletionCreateParams weatherQuestion() {
        return ChatCompletionCreateParams.builder().model("qwen3").addUserMessage("Weather in Paris?")
                .temperature(0.0).maxCompletionTokens(64)
                .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
                        .description("Current weather in a city")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("city",
                                        Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("city"))).build())
                        .build()).build())
                .build();
    }

    @Test
    void hermesToolCallBecomesToolCalls() {
        ChatCompletion c = toolsClient.chat().completions().create(weatherQuestion());
        ChatCompletion.Choice choice = c.choices().getFirst();
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
        assertFalse(choice.message().content().isPresent(), "no content besides the call");
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
        assertEquals("get_weather", call.function().name());
        assertEquals("{\"city\": \"Paris\"}", call.function().arguments());
        assertTrue(call.id().startsWith("chatcmpl-tool-"), call.id());
    }

    @Test
    void streamedToolCallArrivesAsDeltas() {
        StringBuilder name = new StringBuilder();
        StringBuilder arguments = new StringBuilder();
        StringBuilder content = new StringBuilder();
        ChatCompletionChunk.Choice.FinishReason[] finish = new ChatCompletionChunk.Choice.FinishReason[1];
        try (StreamResponse<ChatCompletionChunk> s = toolsClient.chat().completions().createStreaming(weatherQuestion())) {
            s.stream().flatMap(ch -> ch.choices().stream()).forEach(ch -> {
                ch.delta().content().ifPresent(content::append);
                ch.delta().toolCalls().ifPresent(calls -> calls.forEach(tc -> {
                    assertEquals(0, tc.index());
                    tc.function().ifPresent(f -> {
                        f.name().ifPresent(name::append);
                        f.arguments().ifPresent(arguments::append);
                    });
                }));
                ch.finishReason().ifPresent(r -> finish[0] = r);
            });
        }
        assertEquals("get_weather", name.toString());
        assertEquals("{\"city\": \"Paris\"}", arguments.toString());
        assertEquals("", content.toString());
        assertEquals(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS, finish[0]);
    }

    @Test
    void toolChoiceNoneKeepsTheMarkupAsText() throws Exception {
        Http.Reply r = Http.post(tools.baseUrl() + "/v1/chat/completions", "{\"messages\": [{\"role\": \"user\","
                + " \"content\": \"Weather?\"}], \"temperature\": 0, \"tool_choice\": \"none\", \"tools\": [{\"type\":"
                + " \"function\", \"function\": {\"name\": \"get_weather\", \"parameters\": {}}}]}");
        JsonNode choice = r.json().at("/choices/0");
        assertEquals("stop", choice.get("finish_reason").asText(), r.body());
        assertEquals(0, choice.at("/message/tool_calls").size(), r.body());
        assertEquals(TOOL_CALL, choice.at("/message/content").asText(), r.body());
    }
}
