package dev.ariadne.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ariadne.chat.jinja.TemplateException;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every chat template of the kit (Qwen3, Qwen2.5, QwQ, Qwen3-Coder, Qwen3.5, DeepSeek-R1-Distill, Llama-3.2,
 * SmolLM3) with the kit's requests and edge cases (content parts, string tool arguments, reasoning_content, Unicode,
 * null content): {@code template_cases.json}, written by {@code make_template_cases.py} with jinja2 as transformers
 * sets it up, holds the expected text or the error jinja2 raised.
 */
class ChatTemplatesAcrossModelsTest {
    @TestFactory
    List<DynamicTest> rendersLikeTransformers() throws IOException {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("template_cases.json")) {
            root = new ObjectMapper().readTree(in);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> tokens = (Map<String, Object>) JsonValues.toPlain(root.get("special_tokens"));
        Clock clock = Clock.fixed(LocalDate.parse(root.get("date").asText()).atStartOfDay(ZoneOffset.UTC).toInstant(),
                ZoneOffset.UTC);
        Map<String, ChatTemplate> templates = new HashMap<>();
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode r : root.get("results")) {
            String path = r.get("template").asText();
            String requestName = r.get("request").asText();
            ChatTemplate template = templates.computeIfAbsent(path, p -> load(p, tokens).withClock(clock));
            ChatRequest request = root.get("requests").has(requestName)
                    ? ChatRequest.fromJson(root.get("requests").get(requestName))
                    : ChatRequest.read(SharedKit.file("reference/chat/qwen3/" + requestName + ".json"));
            String file = path.substring(path.lastIndexOf('/') + 1);
            tests.add(DynamicTest.dynamicTest(file + " " + requestName, () -> {
                if (r.has("output")) {
                    assertEquals(r.get("output").asText(), template.render(request));
                } else {
                    TemplateException e = assertThrows(TemplateException.class, () -> template.render(request));
                    assertTrue(e.getMessage().contains(r.get("message").asText()),
                            () -> "jinja2: " + r.get("message").asText() + "\nours: " + e.getMessage());
                }
            }));
        }
        return tests;
    }

    private static ChatTemplate load(String path, Map<String, Object> tokens) {
        if (path.endsWith(".json")) {
            // The config's own tokens differ from the shared set only in bos_token, which Qwen3 does not use.
            return ChatTemplate.fromFile(writeTemplateOf(path), tokens);
        }
        return ChatTemplate.fromFile(SharedKit.file(path), tokens);
    }

    private static java.nio.file.Path writeTemplateOf(String configPath) {
        try {
            String source = new ObjectMapper().readTree(SharedKit.file(configPath).toFile()).get("chat_template").asText();
            java.nio.file.Path tmp = java.nio.file.Files.createTempFile("chat_template", ".jinja");
            tmp.toFile().deleteOnExit();
            return java.nio.file.Files.writeString(tmp, source);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
