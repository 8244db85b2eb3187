package dev.ariadne.cli;

import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seeds' --rope-scaling flag and vLLM's --hf-overrides: logged as vLLM logs them, and they lift the context;
 * --hf-overrides also gives Dual Chunk Attention.
 */
class RopeScalingFlagTest {
    private static final String YARN =
            "{\"rope_type\":\"yarn\",\"factor\":4.0,\"original_max_position_embeddings\":256}";

    @Test
    void ropeScalingFlagIsLoggedAndCoversTheLongerContext() {
        String model = SharedKit.file("models/qwen3/qwen3-F32.gguf").toString();
        CliRun r = CliRun.of("generate", "--model", model, "--threads", "2", "--max-model-len", "1024",
                "--rope-scaling", YARN, "--prompt-ids", "1,2,3", "--max-tokens", "2", "--temperature", "0",
                "--json");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("INFO Overriding model config with {\"rope_scaling\": " + YARN + "}"), r.err());
        CliRun hf = CliRun.of("generate", "--model", model, "--threads", "2", "--max-model-len", "1024",
                "--hf-overrides", "{\"rope_scaling\": " + YARN + "}", "--prompt-ids", "1,2,3", "--max-tokens", "2",
                "--temperature", "0", "--json");
        assertEquals(0, hf.exitCode(), hf.err());
        assertEquals(outputIds(r.out()), outputIds(hf.out()), "the two spellings are the same override");
    }

    private static String outputIds(String json) {
        return json.substring(json.indexOf("\"output_ids\""), json.indexOf("\"finish_reason\""));
    }

    @Test
    void withoutAScalingTheLongerContextIsRefused() {
        CliRun r = CliRun.of("generate", "--model", SharedKit.file("models/qwen3/qwen3-F32.gguf").toString(),
                "--threads", "2", "--max-model-len", "1024", "--prompt-ids", "1,2,3", "--max-tokens", "2");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("exceeds the model's context length 256"), r.err());
    }

    @Test
    void dualChunkAttentionComesFromHfOverrides() {
        CliRun r = CliRun.of("generate", "--model", SharedKit.file("models/qwen2/qwen2-F32.gguf").toString(),
                "--threads", "2", "--hf-overrides", "{\"dual_chunk_attention_config\": {\"chunk_size\": 64,"
                        + " \"local_size\": 16, \"original_max_position_embeddings\": 128}}",
                "--prompt-ids", "1,2,3", "--max-tokens", "2", "--temperature", "0", "--json");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("INFO Dual Chunk Attention: chunk_size 64, local_size 16 (chunks of 48 positions),"
                + " original_max_position_embeddings 128"), r.err());
    }

    @Test
    void otherOverridesAreNamedAsUnsupported() {
        CliRun r = CliRun.of("generate", "--model", SharedKit.file("models/qwen3/qwen3-F32.gguf").toString(),
                "--hf-overrides", "{\"num_hidden_layers\": 1}", "--prompt-ids", "1,2,3", "--max-tokens", "2");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("'num_hidden_layers' cannot be overridden"), r.err());
    }
}
