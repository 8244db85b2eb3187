package dev.ariadne.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kit's reference renderings ({@code reference/chat/qwen3} and {@code qwen2.5}, made by transformers'
 * apply_chat_template): every case renders byte for byte the same, from the tokenizer config, from the template
 * file, and from the template embedded in the Qwen3 GGUF.
 */
class ChatTemplateReferenceTest {
    private static final Map<String, Object> QWEN_TOKENS = Map.of("eos_token", "<|im_end|>", "pad_token",
            "<|endoftext|>");

    @TestFactory
    List<DynamicTest> qwen3FromTokenizerConfig() throws IOException {
        return cases("qwen3", ChatTemplate.fromTokenizerConfig(SharedKit.file("tokenizers/qwen3/tokenizer_config.json")));
    }

    @TestFactory
    List<DynamicTest> qwen25FromTemplateFile() throws IOException {
        return cases("qwen2.5", ChatTemplate.fromFile(
                SharedKit.file("tokenizers/llama.cpp-vocab/templates/Qwen-Qwen2.5-7B-Instruct.jinja"), QWEN_TOKENS));
    }

    @TestFactory
    List<DynamicTest> qwen3FromGGUF() throws IOException {
        return cases("qwen3", ChatTemplate.fromGGUF(SharedKit.file("models/qwen3-chat/qwen3-chat-Q8_0.gguf")));
    }

    @Test
    void tokenizerConfigGivesQwen3SpecialTokens() {
        ChatTemplate t = ChatTemplate.fromTokenizerConfig(SharedKit.file("tokenizers/qwen3/tokenizer_config.json"));
        assertEquals("<|im_end|>", t.specialTokens().get("eos_token"));
        assertEquals("<|endoftext|>", t.specialTokens().get("pad_token"));
        assertTrue(!t.specialTokens().containsKey("bos_token"), "Qwen3's bos_token is null, so undefined");
    }

    @Test
    void ggufGivesTheVocabularySpecialTokens() {
        ChatTemplate t = ChatTemplate.fromGGUF(SharedKit.file("models/qwen3-chat/qwen3-chat-Q8_0.gguf"));
        assertEquals("<|im_end|>", t.specialTokens().get("eos_token"));
    }

    private static List<DynamicTest> cases(String dir, ChatTemplate template) throws IOException {
        JsonNode index = new ObjectMapper().readTree(SharedKit.file("reference/chat/" + dir + "/index.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : index.get("cases")) {
            String name = c.asText();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                ChatRequest request = ChatRequest.read(SharedKit.file("reference/chat/" + dir + "/" + name + ".json"));
                String expected = SharedKit.read("reference/chat/" + dir + "/" + name + ".txt");
                assertEquals(expected, template.render(request));
            }));
        }
        assertEquals(8, tests.size(), "the kit has 8 cases per template");
        return tests;
    }
}
