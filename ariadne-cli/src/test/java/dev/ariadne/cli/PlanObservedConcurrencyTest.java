package dev.ariadne.cli;

import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seed's 131K deployment: 1.36x from 4.07 GiB, and the line explaining the 1.21x it reported. */
class PlanObservedConcurrencyTest {
    @Test
    void explainsTheSeedsReportedConcurrency() {
        CliRun r = CliRun.of("plan", "--model", SharedKit.file("configs/Qwen3-30B-A3B/config.json").toString(),
                "--tensor-parallel-size", "4", "--dtype", "half", "--kv-cache-memory", "4.07GiB", "--block-size", "32",
                "--max-model-len", "131072", "--observed-concurrency", "1.21");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("Maximum concurrency for 131,072 tokens per request: 1.36x"), r.out());
        assertTrue(r.out().contains("A reported 1.21x for 131,072 tokens per request would need about 3.63GiB"),
                r.out());
    }

    @Test
    void observedConcurrencyNeedsABudget() {
        CliRun r = CliRun.of("plan", "--model", SharedKit.file("configs/Qwen3-30B-A3B/config.json").toString(),
                "--observed-concurrency", "1.21");
        assertEquals(1, r.exitCode(), r.out());
        assertTrue(r.err().contains("--kv-cache-memory"), r.err());
    }
}
