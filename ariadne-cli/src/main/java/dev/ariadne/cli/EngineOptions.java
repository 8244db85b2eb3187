package dev.ariadne.cli;

import dev.ariadne.config.EngineConfig;
import dev.ariadne.tensor.GGMLType;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The engine flags shared by every command that loads a model (vLLM's names where vLLM has one). This mixin and its
 * {@link #toConfig()} are the only place flags become an {@link EngineConfig}.
 */
public final class EngineOptions {
    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "GGUF file, Hugging Face model directory, or config.json with --load-format dummy.")
    Path model;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: all cores).")
    Integer threads;

    @Option(names = "--kv-cache-dtype", paramLabel = "TYPE", defaultValue = "auto",
            description = "KV cache element type: auto (f32 for F32 weights, else f16), f32, f16, bf16.")
    String kvCacheDType;

    @Option(names = "--load-format", paramLabel = "FORMAT", defaultValue = "auto",
            description = "auto, or dummy: random weights in the shape of --model's config.json.")
    String loadFormat;

    @Option(names = "--weight-type", paramLabel = "TYPE", defaultValue = "Q8_0",
            description = "Weight type of dummy weights: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K.")
    String weightType;

    @Option(names = "--max-model-len", paramLabel = "N", defaultValue = "0",
            description = "Context limit per sequence (default: the model's context length).")
    int maxModelLen;

    @Option(names = "--allow-long-max-model-len",
            description = "Allow --max-model-len beyond the model's stated context length.")
    boolean allowLongMaxModelLen;

    @Option(names = "--max-num-batched-tokens", paramLabel = "N", defaultValue = "512",
            description = "Most tokens per forward step (prompt chunk size).")
    int maxNumBatchedTokens;

    EngineConfig toConfig() {
        return new EngineConfig(model, loadFormat, parseWeightType(weightType), 0,
                threads != null ? threads : Runtime.getRuntime().availableProcessors(), kvCacheDType, maxModelLen,
                allowLongMaxModelLen, maxNumBatchedTokens);
    }

    static GGMLType parseWeightType(String name) {
        String n = name.toUpperCase(Locale.ROOT).replace("Q4_K_M", "Q4_K").replace("Q6_K_M", "Q6_K");
        try {
            return GGMLType.valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown --weight-type '" + name
                    + "' (expected F32, F16, BF16, Q8_0, Q4_0, Q4_K or Q6_K)");
        }
    }
}
