package dev.ariadne.server.openai;

import dev.ariadne.testing.ScriptedChatModel;
import dev.ariadne.testing.SharedKit;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LangChain4j's OpenAI chat models against the server: chat, streaming, usage, thinking, and a tool call. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LangChain4jClientTest {
    private TestServer plain;
    private TestServer thinking;
    private TestServer tools;

    @BeforeAll
    void start() {
        plain = TestServer.start(SharedKit.file("models/qwen3-chat/qwen3-chat-Q8_0.gguf"),
                ServerOptions.local("qwen3-chat"), 512, 128);
        thinking = TestServer.startScripted(ScriptedChatModel.builder()
                        .script(ScriptedChatModel.THINKING_PROMPT_END, ReasoningAndToolCallsTest.THINKING).writeCached(),
                ServerOptions.local("qwen3").withParsers("qwen3", null, false));
        tools = TestServer.startScripted(ScriptedChatModel.builder()
                        .script(ScriptedChatModel.THINKING_PROMPT_END, ReasoningAndToolCallsTest.TOOL_CALL).writeCached(),
                ServerOptions.local("qwen3").withParsers(null, "hermes", true));
    }

    @AfterAll
    void stop() {
        plain.close();
        thinking.close();
        tools.close();
    }

    @AfterEach
    void drained() throws InterruptedException {
        assertTrue(plain.drained() && thinking.drained() && tools.drained(), "leak: requests or KV blocks left");
    }

    private static OpenAiChatModel.OpenAiChatModelBuilder chatModel(TestServer s, String name) {
        return OpenAiChatModel.builder().baseUrl(s.baseUrl() + "/v1").apiKey("unused").modelName(name)
                .temperature(0.0).maxTokens(16).maxRetries(0).timeout(Duration.ofSeconds(60));
    }

    @Test
    void chatWithUsage() {
        ChatResponse r = chatModel(plain, "qwen3-chat").build().chat(ChatRequest.builder()
                .messages(UserMessage.from("Hello! Who are you?")).build());
        assertEquals(14, r.tokenUsage().inputTokenCount());
        assertEquals(16, r.tokenUsage().outputTokenCount());
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertTrue(r.aiMessage().text() != null);
    }

    @Test
    void streamingEqualsWhole() throws Exception {
        String whole = chatModel(plain, "qwen3-chat").build().chat("Hello! Who are you?");
        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder().baseUrl(plain.baseUrl() + "/v1")
                .apiKey("unused").modelName("qwen3-chat").temperature(0.0).maxTokens(16)
                .timeout(Duration.ofSeconds(60)).build();
        StringBuilder partial = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat("Hello! Who are you?", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String s) {
                partial.append(s);
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
        ChatResponse r = done.get(60, TimeUnit.SECONDS);
        assertEquals(whole, partial.toString());
        assertEquals(whole, r.aiMessage().text());
    }

    @Test
    void thinkingComesBackAsThinking() {
        ChatResponse r = chatModel(thinking, "qwen3").returnThinking(true).maxTokens(64).build()
                .chat(ChatRequest.builder().messages(UserMessage.from("Hello!")).build());
        assertEquals("The user greets me.\n", r.aiMessage().thinking());
        assertEquals("\n\nHello there!", r.aiMessage().text());
    }

    @Test
    void toolCallBecomesAToolExecutionRequest() {
        ToolSpecification weather = ToolSpecification.builder().name("get_weather")
                .description("Current weather in a city")
                .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build()).build();
        ChatResponse r = chatModel(tools, "qwen3").maxTokens(64).build().chat(ChatRequest.builder()
                .messages(UserMessage.from("Weather in Paris?")).toolSpecifications(weather).build());
        assertEquals(FinishReason.TOOL_EXECUTION, r.finishReason());
        ToolExecutionRequest call = r.aiMessage().toolExecutionRequests().getFirst();
        assertEquals("get_weather", call.name());
        assertEquals("{\"city\": \"Paris\"}", call.arguments());
    }
}
