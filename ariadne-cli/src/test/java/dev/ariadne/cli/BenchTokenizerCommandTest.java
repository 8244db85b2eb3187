package dev.ariadne.cli;

import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tokenizer benchmark runs end to end (throughput itself is not asserted: benchmarks are not tests). */
class BenchTokenizerCommandTest {
    @Test
    void printsOneRowPerFileAndMixed() {
        CliRun r = CliRun.of("bench", "tokenizer", "--model", SharedKit.file("tokenizers/qwen3/tokenizer.json").toString(),
                "--file", SharedKit.file("reference/perplexity/story.txt").toString(),
                "--file", SharedKit.file("seeds/002_2b6bde22915fab0d.txt").toString(), "--size-mb", "0.05");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("| story.txt |") && r.out().contains("| mixed |"), r.out());
    }
}
