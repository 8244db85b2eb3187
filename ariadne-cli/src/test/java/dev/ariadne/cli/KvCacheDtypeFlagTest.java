package dev.ariadne.cli;

import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --kv-cache-dtype}: every accepted value runs, a bad one is one clear line naming the accepted values. */
class KvCacheDtypeFlagTest {
    private static final String ACCEPTED = "auto, fp32, fp16, bf16, fp8, int8, q8_0, q4_0";

    private static String model() {
        return SharedKit.file("models/qwen3/qwen3-F32.gguf").toString();
    }

    @Test
    void aBadValueIsOneLineListingTheAcceptedValues() {
        CliRun r = CliRun.of("generate", "--model", model(), "--prompt-ids", "1,2", "--kv-cache-dtype", "int4",
                "--threads", "1");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("'int4'") && r.err().contains(ACCEPTED),
                r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(r.err().contains("INFO "), "rejected before the model is loaded: " + r.err());
    }

    @Test
    void thePlannerRejectsItAlike() {
        CliRun r = CliRun.of("plan", "--model", SharedKit.file("configs/Qwen3-0.6B/config.json").toString(),
                "--kv-cache-dtype", "fp4");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("'fp4'") && r.err().contains(ACCEPTED), r.err());
    }

    @Test
    void quantizedTypesRunAndReportTheirBytesPerToken() {
        for (String[] t : new String[][] {{"q4_0", "288B"}, {"fp8", "544B"}, {"INT8", "544B"}, {"q8_0", "544B"}}) {
            CliRun r = CliRun.of("generate", "--model", model(), "--prompt-ids", "1,2,3", "--max-tokens", "2",
                    "--temperature", "0", "--kv-cache-dtype", t[0], "--threads", "1");
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.err().contains("KV per token: " + t[1]) && r.err().contains(t[0].toLowerCase()), r.err());
        }
    }
}
