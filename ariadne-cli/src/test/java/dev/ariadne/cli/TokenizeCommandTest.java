package dev.ariadne.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ariadne tokenize}, end to end against the kit's tokenizations and chat renderings. */
class TokenizeCommandTest {
    private static final String CASES = "single_user,system_multi_turn,thinking_off,history_with_think,tools_defined,"
            + "tool_call_and_response,no_generation_prompt,two_tool_responses";

    @ParameterizedTest(name = "qwen3 {0}")
    @ValueSource(strings = {"single_user", "system_multi_turn", "thinking_off", "history_with_think", "tools_defined",
            "tool_call_and_response", "no_generation_prompt", "two_tool_responses"})
    void chatFileRendersExactlyWithTheModelsOwnTemplate(String name) throws Exception {
        assertTrue(CASES.contains(name));
        Path request = SharedKit.file("reference/chat/qwen3/" + name + ".json");
        String expected = Files.readString(SharedKit.file("reference/chat/qwen3/" + name + ".txt"));
        CliRun gguf = CliRun.of("tokenize", "--model", SharedKit.file("models/qwen3-chat/qwen3-chat-Q8_0.gguf").toString(),
                "--chat-file", request.toString());
        assertEquals(0, gguf.exitCode(), gguf.err());
        assertEquals(expected, gguf.out());
        CliRun config = CliRun.of("tokenize", "--model", SharedKit.file("tokenizers/qwen3/tokenizer.json").toString(),
                "--chat-file", request.toString());
        assertEquals(0, config.exitCode(), config.err());
        assertEquals(expected, config.out());
    }

    @ParameterizedTest(name = "qwen2.5 {0}")
    @ValueSource(strings = {"single_user", "system_multi_turn", "tools_defined", "tool_call_and_response",
            "two_tool_responses"})
    void chatFileWithAnotherTemplate(String name) throws Exception {
        Path template = SharedKit.file("tokenizers/llama.cpp-vocab/templates/Qwen-Qwen2.5-7B-Instruct.jinja");
        CliRun r = CliRun.of("tokenize", "--model", SharedKit.file("tokenizers/qwen3/tokenizer_config.json").toString(),
                "--chat-file", SharedKit.file("reference/chat/qwen2.5/" + name + ".json").toString(),
                "--template", template.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(Files.readString(SharedKit.file("reference/chat/qwen2.5/" + name + ".txt")), r.out());
    }

    @Test
    void idsWithAndWithoutSpecialParsing() throws Exception {
        JsonNode tests = new ObjectMapper().readTree(SharedKit.file("reference/tokenizer/qwen3_tokenizer_tests.json")
                .toFile());
        JsonNode cases = tests.isArray() ? tests : tests.get("cases");
        int checked = 0;
        for (JsonNode c : cases) {
            if (!c.has("ids_parse_special") || !c.has("text")) continue;
            String text = c.get("text").asText();
            if (text.isEmpty() || text.startsWith("-")) continue;
            CliRun r = CliRun.of("tokenize", "--model", SharedKit.file("models/qwen3-chat/qwen3-chat-Q8_0.gguf").toString(),
                    "--text", text, "--json");
            assertEquals(0, r.exitCode(), r.err());
            assertEquals(c.get("ids_parse_special"), new ObjectMapper().readTree(r.out()).get("ids"), text);
            CliRun plain = CliRun.of("tokenize", "--model",
                    SharedKit.file("models/qwen3-chat/qwen3-chat-Q8_0.gguf").toString(), "--text", text, "--json",
                    "--no-parse-special");
            assertEquals(c.get("ids_no_parse_special"), new ObjectMapper().readTree(plain.out()).get("ids"), text);
            if (++checked == 12) break;
        }
        assertEquals(12, checked, "kit cases checked");
    }

    @Test
    void bosFollowsTheTokenizerUnlessNoBos() {
        String stories = SharedKit.file("models/stories260K/stories260K.gguf").toString();
        CliRun withBos = CliRun.of("tokenize", "--model", stories, "--text", "Zoo");
        CliRun noBos = CliRun.of("tokenize", "--model", stories, "--text", "Zoo", "--no-bos");
        assertTrue(withBos.out().startsWith("[1, "), withBos.out());
        assertEquals(withBos.out().replace("[1, ", "["), noBos.out());
    }
}
