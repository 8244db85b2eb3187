package dev.ariadne.cli;

import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark runs end to end on dummy weights of a small config (timings themselves are not asserted). */
class BenchLatencyCommandTest {
    @Test
    void printsPrefillAndDecodeRates() {
        CliRun r = CliRun.of("bench", "latency", "--model", SharedKit.file("models/hf/qwen3/config.json").toString(),
                "--load-format", "dummy", "--weight-type", "Q8_0", "--threads", "2", "--input-len", "40",
                "--output-len", "8");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("| prefill pp40 |") && r.out().contains("| decode tg8 at depth 40 |"), r.out());
        assertTrue(r.out().contains("Q8_0"), r.out());
    }

    @Test
    void configWithoutDummyIsAClearError() {
        CliRun r = CliRun.of("bench", "latency", "--model", SharedKit.file("configs/Qwen3-0.6B/config.json").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("--load-format dummy"), r.err());
    }
}
