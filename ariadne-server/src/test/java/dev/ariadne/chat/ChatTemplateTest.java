package dev.ariadne.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ariadne.chat.jinja.TemplateException;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Edge cases of rendering and loading: content parts, tool calls, thinking switch, errors, config formats. */
class ChatTemplateTest {
    private static final ChatTemplate QWEN3 =
            ChatTemplate.fromTokenizerConfig(SharedKit.file("tokenizers/qwen3/tokenizer_config.json"));

    private static ChatRequest request(String json) throws IOException {
        return ChatRequest.fromJson(new ObjectMapper().readTree(json));
    }

    @Test
    void textPartsAreJoinedForATemplateThatTakesContentAsAString() throws IOException {
        String parts = QWEN3.render(request("""
                {"messages": [{"role": "user", "content": [{"type": "text", "text": "Hello"},
                                                           {"type": "text", "text": "world"}]}],
                 "add_generation_prompt": true}"""));
        String joined = QWEN3.render(request("""
                {"messages": [{"role": "user", "content": "Hello\\nworld"}], "add_generation_prompt": true}"""));
        assertEquals("<|im_start|>user\nHello\nworld<|im_end|>\n<|im_start|>assistant\n", parts);
        assertEquals(joined, parts);
    }

    @Test
    void partsStayAListForATemplateThatLoopsOverContent() throws IOException {
        ChatTemplate t = ChatTemplate.fromString(
                "{% for m in messages %}{% for p in m.content %}[{{ p.text }}]{% endfor %}{% endfor %}", Map.of());
        assertEquals("[a][b]", t.render(request("""
                {"messages": [{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}]}
                """)));
    }

    @Test
    void nonTextPartsAreRefusedWhereContentMustBeAString() throws IOException {
        ChatRequest image = request("""
                {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]}""");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QWEN3.render(image));
        assertTrue(e.getMessage().contains("only text content parts"), e.getMessage());
    }

    @Test
    void toolCallsWithObjectOrStringArguments() throws IOException {
        String template = """
                {"messages": [{"role": "user", "content": "Weather?"},
                  {"role": "assistant", "content": "Checking.", "tool_calls": [
                    {"type": "function", "function": {"name": "get_weather", "arguments": ARGS}}]},
                  {"role": "tool", "content": "sunny"}],
                 "add_generation_prompt": true}""";
        String expected = """
                <|im_start|>user
                Weather?<|im_end|>
                <|im_start|>assistant
                Checking.
                <tool_call>
                {"name": "get_weather", "arguments": {"city": "Paris", "note": "naïve \\"q\\""}}
                </tool_call><|im_end|>
                <|im_start|>user
                <tool_response>
                sunny
                </tool_response><|im_end|>
                <|im_start|>assistant
                """;
        // As an object the arguments go through tojson (ensure_ascii=False); as a string they are written verbatim.
        assertEquals(expected, QWEN3.render(request(template.replace("ARGS",
                "{\"city\": \"Paris\", \"note\": \"naïve \\\"q\\\"\"}"))));
        assertEquals(expected, QWEN3.render(request(template.replace("ARGS",
                "\"{\\\"city\\\": \\\"Paris\\\", \\\"note\\\": \\\"naïve \\\\\\\"q\\\\\\\"\\\"}\""))));
    }

    @Test
    void enableThinkingFalseClosesAnEmptyThinkBlock() throws IOException {
        String user = "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"add_generation_prompt\": true";
        String off = "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n";
        String on = "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n";
        assertEquals(off, QWEN3.render(request(user + ", \"enable_thinking\": false}")));
        assertEquals(off, QWEN3.render(request(user + ", \"chat_template_kwargs\": {\"enable_thinking\": false}}")));
        assertEquals(on, QWEN3.render(request(user + ", \"enable_thinking\": true}")));
        assertEquals(on, QWEN3.render(request(user + "}")));
    }

    @Test
    void reasoningContentIsRenderedAfterTheLastUserQuery() throws IOException {
        String out = QWEN3.render(request("""
                {"messages": [{"role": "user", "content": "Q"},
                  {"role": "assistant", "content": "A", "reasoning_content": "because"}]}"""));
        assertEquals("<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n<think>\nbecause\n</think>\n\nA<|im_end|>\n",
                out);
    }

    @Test
    void syntaxErrorsNameTheLine() {
        TemplateException unclosed = assertThrows(TemplateException.class,
                () -> ChatTemplate.fromString("line 1\n{% if messages %}\nno end", Map.of()));
        assertEquals(3, unclosed.line());
        assertTrue(unclosed.getMessage().contains("'endif'"), unclosed.getMessage());
        TemplateException stray = assertThrows(TemplateException.class,
                () -> ChatTemplate.fromString("a\n\n{% endfor %}", Map.of()));
        assertEquals(3, stray.line());
        assertTrue(stray.getMessage().contains("Encountered unknown tag 'endfor'"), stray.getMessage());
        TemplateException filter = assertThrows(TemplateException.class,
                () -> ChatTemplate.fromString("{{ x }}\n{{ x | nosuch }}", Map.of()));
        assertEquals(2, filter.line());
    }

    @Test
    void raiseExceptionInTheTemplateFailsTheRender() throws IOException {
        ChatTemplate t = ChatTemplate.fromString("""
                {%- for m in messages %}
                {%- if m.role not in ['user', 'assistant'] %}
                {{- raise_exception('Unsupported role: ' + m.role) }}
                {%- endif %}
                {%- endfor %}""", Map.of());
        TemplateException e = assertThrows(TemplateException.class,
                () -> t.render(request("{\"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}")));
        assertEquals("Unsupported role: robot", e.reason());
        assertEquals(3, e.line());
    }

    @Test
    void llamaRefusesParallelToolCalls() {
        ChatTemplate llama = ChatTemplate.fromFile(
                SharedKit.file("tokenizers/llama.cpp-vocab/templates/meta-llama-Llama-3.2-3B-Instruct.jinja"),
                Map.of("bos_token", "<|begin_of_text|>"));
        ChatRequest two = ChatRequest.read(SharedKit.file("reference/chat/qwen3/two_tool_responses.json"));
        TemplateException e = assertThrows(TemplateException.class, () -> llama.render(two));
        assertEquals("This model only supports single tool-calls at once!", e.reason());
    }

    @Test
    void undefinedAttributeOfUndefinedFails() throws IOException {
        ChatTemplate t = ChatTemplate.fromString("{{ messages[0].missing }}|{{ messages[0].missing.deeper }}", Map.of());
        TemplateException e = assertThrows(TemplateException.class,
                () -> t.render(request("{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}")));
        assertTrue(e.getMessage().contains("'dict object' has no attribute 'missing'"), e.getMessage());
    }

    @Test
    void namedTemplatesPickToolUseWhenToolsAreGiven(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("tokenizer_config.json");
        Files.writeString(config, """
                {"bos_token": {"content": "<s>", "special": true}, "eos_token": "</s>", "pad_token": null,
                 "chat_template": [{"name": "default", "template": "D{{ bos_token }}{{ pad_token is defined }}"},
                                   {"name": "tool_use", "template": "T{{ tools | length }}"}]}""");
        ChatTemplate t = ChatTemplate.fromTokenizerConfig(config);
        assertEquals("D<s>False", t.render(request("{\"messages\": []}")));
        assertEquals("T1", t.render(request("{\"messages\": [], \"tools\": [{\"type\": \"function\"}]}")));
    }

    @Test
    void chatTemplateJinjaBesideTheConfig(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ChatTemplate.fromTokenizerConfig(config));
        assertTrue(missing.getMessage().contains("no \"chat_template\""), missing.getMessage());
        Files.writeString(dir.resolve("chat_template.jinja"), "{{ messages | length }}{{ eos_token }}\n");
        assertEquals("0</s>", ChatTemplate.fromTokenizerConfig(config).render(request("{\"messages\": []}")));
    }

    @Test
    void requestFields() throws IOException {
        ChatRequest r = request("""
                {"messages": [{"role": "user", "content": "x"}], "custom": [1, 2.5, null],
                 "chat_template_kwargs": {"enable_thinking": false}}""");
        assertFalse(r.addGenerationPrompt(), "transformers' default");
        assertNull(r.tools());
        assertEquals(Map.of("enable_thinking", false), Map.of("enable_thinking", r.kwargs().get("enable_thinking")));
        assertEquals(java.util.Arrays.asList(1L, 2.5, null), r.kwargs().get("custom"));
        assertThrows(IllegalArgumentException.class, () -> request("{\"tools\": []}"));
        assertThrows(IllegalArgumentException.class, () -> request("{\"messages\": [\"hi\"]}"));
        ChatTemplate echo = ChatTemplate.fromString("{{ custom[1] }} {{ tools }} {{ documents }} {{ add_generation_prompt }}",
                Map.of());
        assertEquals("2.5 None None False", echo.render(r));
        assertEquals(List.of(), request("{\"messages\": [], \"tools\": []}").tools());
    }
}
