package dev.ariadne.cli;

import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --rope-scaling-mode static|per-request}: parsed in EngineOptions, reported at start-up. */
class RopeScalingModeFlagTest {
    private static final String YARN_MODEL = "models/qwen3/qwen3-yarn-F32.gguf";

    @Test
    void badValueIsAClearError() {
        CliRun r = CliRun.of("generate", "--model", SharedKit.file(YARN_MODEL).toString(), "--threads", "2",
                "--rope-scaling-mode", "dynamic", "--prompt-ids", "1,2,3", "--max-tokens", "2");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("--rope-scaling-mode must be static or per-request, found 'dynamic'"), r.err());
        assertFalse(r.err().contains("\tat "), "a one-line error, not a stack trace: " + r.err());
    }

    @Test
    void perRequestShortRequestRunsAsTheUnscaledModel() {
        CliRun r = CliRun.of("generate", "--model", SharedKit.file(YARN_MODEL).toString(), "--threads", "2",
                "--rope-scaling-mode", "per-request", "--prompt-ids", "1,2,3", "--max-tokens", "4", "--temperature",
                "0", "--json");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("INFO RoPE scaling per request: requests up to 256 tokens (prompt + max_tokens)"
                + " run unscaled, longer ones with yarn factor 4"), r.err());
        CliRun plain = CliRun.of("generate", "--model", SharedKit.file("models/qwen3/qwen3-F32.gguf").toString(),
                "--threads", "2", "--prompt-ids", "1,2,3", "--max-tokens", "4", "--temperature", "0", "--json");
        assertEquals(0, plain.exitCode(), plain.err());
        assertEquals(outputIds(plain.out()), outputIds(r.out()), "3 + 4 tokens fit 256: the unscaled model's output");
        CliRun fixed = CliRun.of("generate", "--model", SharedKit.file(YARN_MODEL).toString(), "--threads", "2",
                "--prompt-ids", "1,2,3", "--max-tokens", "4", "--temperature", "0", "--json");
        assertEquals(0, fixed.exitCode(), fixed.err());
        assertFalse(fixed.err().contains("RoPE scaling per request"), "static is the default: " + fixed.err());
    }

    @Test
    void perRequestWithoutYarnSaysItRunsAsStatic() {
        CliRun r = CliRun.of("generate", "--model", SharedKit.file("models/qwen3/qwen3-F32.gguf").toString(),
                "--threads", "2", "--rope-scaling-mode", "per-request", "--prompt-ids", "1,2,3", "--max-tokens", "2");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("INFO RoPE scaling per request applies to yarn only; the model's rope scaling"
                + " (none) runs for every request, as with --rope-scaling-mode static"), r.err());
    }

    private static String outputIds(String json) {
        return json.substring(json.indexOf("\"output_ids\""), json.indexOf("\"finish_reason\""));
    }
}
