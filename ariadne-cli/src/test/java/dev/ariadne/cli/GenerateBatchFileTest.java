package dev.ariadne.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ariadne.testing.Reference;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code generate --batch-file}: all lines submitted at once, one JSON line out per request in input order. */
class GenerateBatchFileTest {
    private static final String MODEL = "models/qwen3/qwen3-F32.gguf";
    private final ObjectMapper mapper = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void batchOutputsEqualLlamaCppInInputOrder() throws Exception {
        List<Reference.Entry> refs = Reference.entries().stream()
                .filter(e -> e.model().equals(MODEL) && e.variant().equals("kv_f32")).toList();
        assertEquals(3, refs.size());
        List<String> lines = new ArrayList<>();
        for (int copy = 0; copy < 2; copy++) {   // each prompt twice: the second copy can hit the prefix cache
            for (Reference.Entry e : refs) {
                lines.add("{\"prompt_ids\": " + Arrays.toString(e.promptIds()) + ", \"max_tokens\": 16,"
                        + " \"temperature\": 0, \"ignore_eos\": true}");
            }
        }
        Path file = tmp.resolve("batch.jsonl");
        Files.write(file, lines);
        CliRun r = CliRun.of("generate", "--model", SharedKit.file(MODEL).toString(), "--batch-file",
                file.toString(), "--kv-cache-dtype", "f32", "--threads", "2", "--max-model-len", "1024",
                "--allow-long-max-model-len", "--block-size", "16", "--json");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("KV cache size:"), "start-up report on stderr: " + r.err());
        String[] out = r.out().strip().split("\n");
        assertEquals(6, out.length, r.out());
        for (int i = 0; i < out.length; i++) {
            JsonNode o = mapper.readTree(out[i]);
            Reference.Entry e = refs.get(i % 3);
            assertEquals(i, o.get("index").asInt());
            assertArrayEquals(e.promptIds(), mapper.convertValue(o.get("prompt_ids"), int[].class));
            assertArrayEquals(Arrays.copyOf(e.greedy(), 16), mapper.convertValue(o.get("output_ids"), int[].class),
                    "line " + i);
            assertEquals("length", o.get("finish_reason").asText());
            assertTrue(o.has("text"));
        }
    }

    @Test
    void malformedLineIsAClearErrorWithItsLineNumber() throws Exception {
        Path file = tmp.resolve("bad.jsonl");
        Files.writeString(file, "{\"prompt_ids\": [1, 2]}\n\n{\"prompt_ids\": [1, 2}\n");
        CliRun r = CliRun.of("generate", "--model", SharedKit.file(MODEL).toString(), "--batch-file",
                file.toString(), "--threads", "1", "--max-num-seqs", "4");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("line 3") && r.err().contains("not valid JSON"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());

        Files.writeString(file, "{\"prompt_ids\": [1, 2], \"max_tokens\": \"many\"}\n");
        CliRun r2 = CliRun.of("generate", "--model", SharedKit.file(MODEL).toString(), "--batch-file",
                file.toString(), "--threads", "1", "--max-num-seqs", "4");
        assertEquals(1, r2.exitCode());
        assertTrue(r2.err().contains("line 1") && r2.err().contains("max_tokens must be an integer"), r2.err());
    }
}
