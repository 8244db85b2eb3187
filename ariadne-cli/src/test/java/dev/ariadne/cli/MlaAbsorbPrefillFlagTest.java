package dev.ariadne.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ariadne.testing.Reference;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --mla-absorb-prefill}: a DeepSeek (MLA) prompt prefilled through the latent gives llama.cpp's greedy
 * continuation, as the default decompressed prefill does, and the start-up report says which path runs.
 */
class MlaAbsorbPrefillFlagTest {
    private static final String MODEL = "models/deepseek2/deepseek2-F32.gguf";

    @Test
    void bothPrefillPathsGiveLlamaCppsContinuation() throws Exception {
        Reference.Entry e = Reference.entries().stream()
                .filter(x -> x.model().equals(MODEL) && x.prompt().equals("p64") && x.variant().equals("kv_f32"))
                .findFirst().orElseThrow();
        String ids = String.join(",", Arrays.stream(e.promptIds()).mapToObj(String::valueOf).toList());
        for (boolean absorb : new boolean[] {false, true}) {
            CliRun r = absorb
                    ? CliRun.of("generate", "--model", SharedKit.file(MODEL).toString(), "--prompt-ids", ids,
                            "--max-tokens", "12", "--temperature", "0", "--ignore-eos", "--threads", "2",
                            "--kv-cache-dtype", "fp32", "--mla-absorb-prefill", "--json")
                    : CliRun.of("generate", "--model", SharedKit.file(MODEL).toString(), "--prompt-ids", ids,
                            "--max-tokens", "12", "--temperature", "0", "--ignore-eos", "--threads", "2",
                            "--kv-cache-dtype", "fp32", "--json");
            assertEquals(0, r.exitCode(), r.err());
            int[] out = new ObjectMapper().convertValue(new ObjectMapper().readTree(r.out()).get("output_ids"),
                    int[].class);
            assertArrayEquals(Arrays.copyOf(e.greedy(), 12), out, "absorbed prefill: " + absorb);
            assertTrue(r.err().contains(absorb ? "prefill too (--mla-absorb-prefill)"
                    : "prefill decompresses per-head keys and values"), r.err());
        }
    }
}
