package dev.ariadne.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ariadne.testing.Reference;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerateCommandTest {
    @TempDir
    Path tmp;

    @Test
    void jsonGreedyOutputEqualsLlamaCppContinuation() throws Exception {
        Reference.Entry e = Reference.entries().stream()
                .filter(x -> x.model().equals("models/qwen3/qwen3-F32.gguf") && x.prompt().equals("p7")
                        && x.variant().equals("kv_f32"))
                .findFirst().orElseThrow();
        String ids = String.join(",", Arrays.stream(e.promptIds()).mapToObj(String::valueOf).toList());
        CliRun r = CliRun.of("generate", "--model", SharedKit.file(e.model()).toString(), "--prompt-ids", ids,
                "--max-tokens", "12", "--temperature", "0", "--ignore-eos", "--threads", "2", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        int[] out = new ObjectMapper().convertValue(json.get("output_ids"), int[].class);
        assertArrayEquals(Arrays.copyOf(e.greedy(), 12), out);
        assertArrayEquals(e.promptIds(), new ObjectMapper().convertValue(json.get("prompt_ids"), int[].class));
        assertTrue(json.get("prefill_tokens_per_s").asDouble() > 0);
        assertTrue(json.get("decode_tokens_per_s").asDouble() > 0);
        assertTrue(json.has("text"));
    }

    @Test
    void badModelFileIsOneClearLineWithoutStackTrace() throws Exception {
        Path bad = tmp.resolve("broken.gguf");
        Files.writeString(bad, "GGUF but not really");
        CliRun r = CliRun.of("generate", "--model", bad.toString(), "--prompt-ids", "1,2");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("broken.gguf"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void promptOverTheContextLimitIsRejected() {
        String ids = String.join(",", java.util.Collections.nCopies(256, "5"));
        CliRun r = CliRun.of("generate", "--model", SharedKit.file("models/qwen3/qwen3-Q8_0.gguf").toString(),
                "--prompt-ids", ids, "--max-tokens", "3", "--threads", "1");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("the prompt has 256 tokens, but the maximum model length is 256"), r.err());
    }

    @Test
    void generationStopsAtTheContextLimitWithLength() throws Exception {
        // As vLLM's offline engine: max_tokens beyond the context ends at the limit, finish_reason "length".
        CliRun r = CliRun.of("generate", "--model", SharedKit.file("models/qwen3/qwen3-Q8_0.gguf").toString(),
                "--prompt-ids", "1,2,3", "--max-tokens", "300", "--ignore-eos", "--temperature", "0", "--threads",
                "2", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(253, json.get("output_ids").size());
        assertEquals("length", json.get("finish_reason").asText());
    }

    @Test
    void unknownFlagAndMissingPromptAreUsageErrors() {
        CliRun r = CliRun.of("generate", "--model", "x.gguf", "--prompt-ids", "1", "--frobnicate");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--frobnicate"), r.err());
        r = CliRun.of("generate", "--model", "x.gguf");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--prompt"), r.err());
    }
}
