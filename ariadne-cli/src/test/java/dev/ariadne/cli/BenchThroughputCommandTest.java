package dev.ariadne.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The batch benchmark runs end to end on a tiny model; its totals are exact, its rates only positive. */
class BenchThroughputCommandTest {
    private static String model() {
        return SharedKit.file("models/qwen3/qwen3-Q8_0.gguf").toString();
    }

    @Test
    void jsonTotalsMatchTheRequestedShape() throws Exception {
        CliRun r = CliRun.of("bench", "throughput", "--model", model(),
                "--num-prompts", "6", "--input-len", "20", "--output-len", "5", "--max-num-seqs", "4", "--threads", "2",
                "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(6, j.get("num_requests").asInt(), r.out());
        assertEquals(6 * 20, j.get("total_num_prompt_tokens").asLong(), r.out());
        assertEquals(6 * 5, j.get("total_num_output_tokens").asLong(), r.out());
        assertEquals(6 * (20 + 5), j.get("total_num_tokens").asLong(), r.out());
        assertEquals(0, j.get("num_cached_tokens").asLong(), "random prompts must not share a prefix: " + r.out());
        double elapsed = j.get("elapsed_time").asDouble();
        assertTrue(elapsed > 0, r.out());
        assertEquals(6 / elapsed, j.get("requests_per_second").asDouble(), 1e-9 * (6 / elapsed), r.out());
        assertEquals(150 / elapsed, j.get("tokens_per_second").asDouble(), 1e-9 * (150 / elapsed), r.out());
        assertEquals(30 / elapsed, j.get("output_tokens_per_second").asDouble(), 1e-9 * (30 / elapsed), r.out());
        // The step split accounts for every token: prompt steps compute all prompt tokens (no preemption here) and
        // sample the first tokens (plus decodes riding along); decode-only steps sample the rest.
        assertEquals(6 * 20, j.get("prefill_prompt_tokens").asLong(), r.out());
        assertEquals(30, j.get("decode_only_output_tokens").asLong() + j.get("prefill_output_tokens").asLong(),
                r.out());
        assertTrue(j.get("decode_only_steps").asLong() > 0 && j.get("decode_only_mean_batch").asDouble() > 1, r.out());
        assertTrue(j.get("decode_only_time").asDouble() + j.get("prefill_time").asDouble() <= elapsed, r.out());
    }

    @Test
    void printsVllmThroughputLines() {
        CliRun r = CliRun.of("bench", "throughput", "--model", model(),
                "--num-prompts", "3", "--input-len", "8", "--output-len", "2", "--threads", "2");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().matches("(?s)Throughput: [0-9.]+ requests/s, [0-9.]+ total tokens/s, [0-9.]+ output tokens/s"
                + "\\R.*"), r.out());
        assertTrue(r.out().contains("Total num prompt tokens:  24") && r.out().contains("Total num output tokens:  6"),
                r.out());
    }

    @Test
    void zeroPromptsIsAClearError() {
        CliRun r = CliRun.of("bench", "throughput", "--model", model(),
                "--num-prompts", "0");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("--num-prompts") && r.err().contains(">= 1"), r.err());
    }
}
