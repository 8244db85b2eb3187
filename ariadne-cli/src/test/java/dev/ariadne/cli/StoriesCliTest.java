package dev.ariadne.cli;

import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stories260K (a real trained model) through the CLI: text in, text out, as llama.cpp. */
class StoriesCliTest {
    private static final String MODEL = SharedKit.file("models/stories260K/stories260K.gguf").toString();

    @Test
    void greedyTextEqualsLlamaCpp() {
        // llama-simple -m stories260K.gguf -n 57 "Zoo" (reference README, section 8), which equals llama2.c's golden.
        CliRun r = CliRun.of("generate", "--model", MODEL, "--prompt", "Zoo", "--max-tokens", "57", "--temperature",
                "0", "--threads", "2");
        assertEquals(0, r.exitCode(), r.err());
        String expected = " was a little girl named Lily. She loved to play outside in the park. One day, she saw a"
                + " big, red ball. She wanted to play with it, but she didn't want to play with";
        assertTrue(r.out().startsWith(expected), r.out());
    }

    @Test
    void perplexityMatchesLlamaPerplexity() {
        String story = SharedKit.file("reference/perplexity/story.txt").toString();
        for (String[] run : new String[][] {{"128", "4.7662"}, {"512", "4.7309"}}) {
            CliRun r = CliRun.of("perplexity", "--model", MODEL, "--file", story, "--ctx", run[0], "--threads", "2");
            assertEquals(0, r.exitCode(), r.err());
            Matcher m = Pattern.compile("Final estimate: PPL = ([0-9.]+)").matcher(r.out());
            assertTrue(m.find(), r.out());
            double ppl = Double.parseDouble(m.group(1));
            double expected = Double.parseDouble(run[1]);
            assertEquals(expected, ppl, expected * 0.001, "ctx " + run[0]);
            if (run[0].equals("512")) {
                assertTrue(r.err().contains("exceeds the model's stated context length 128"), r.err());
            }
        }
    }
}
