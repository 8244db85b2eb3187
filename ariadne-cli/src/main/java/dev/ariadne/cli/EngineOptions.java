package dev.ariadne.cli;

import dev.ariadne.config.CacheConfig;
import dev.ariadne.config.DcaConfig;
import dev.ariadne.config.EngineConfig;
import dev.ariadne.config.RopeScalingMode;
import dev.ariadne.config.RotaryScaling;
import dev.ariadne.json.JsonObject;
import dev.ariadne.config.SchedulingConfig;
import dev.ariadne.engine.LLM;
import dev.ariadne.kv.KvCacheDType;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.sched.PreemptionMode;
import dev.ariadne.tensor.GGMLType;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
            description = "KV cache type: auto (fp32 for F32 weights, else fp16), fp32, fp16, bf16, fp8 (e4m3, one"
                    + " fp32 scale per token and head), int8 (symmetric, one fp32 scale per token and head), q8_0,"
                    + " q4_0 (ggml blocks of 32, Hadamard-rotated). Attention reads the quantized rows directly.")
    String kvCacheDType;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "auto",
            description = "vLLM's model dtype: auto, half/float16, bfloat16, float/float32. Weights run in the type"
                    + " they are stored in; this sets the KV cache type when --kv-cache-dtype is auto.")
    String dtype;

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
            description = "Token budget of one engine step over all requests (prompt chunk size).")
    int maxNumBatchedTokens;

    @Option(names = "--max-num-seqs", paramLabel = "N", defaultValue = "256",
            description = "Most requests in one step.")
    int maxNumSeqs;

    @Option(names = "--block-size", paramLabel = "N", defaultValue = "16",
            description = "Tokens per KV cache block (a power of two).")
    int blockSize;

    @Option(names = "--enable-prefix-caching", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Reuse the KV blocks of shared prompt prefixes (default on; --no-enable-prefix-caching).")
    boolean prefixCaching;

    @Option(names = "--enable-chunked-prefill", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Split long prompts over steps (default on; without it --max-num-batched-tokens must"
                    + " hold --max-model-len).")
    boolean chunkedPrefill;

    @Option(names = "--gpu-memory-utilization", paramLabel = "F", defaultValue = "0.9",
            description = "Fraction of the memory available to the process (physical or cgroup limit) the engine"
                    + " may use: weights, activations and KV cache.")
    double memoryUtilization;

    @Option(names = "--kv-cache-memory", paramLabel = "BYTES",
            description = "KV cache size instead of what the utilization leaves (bytes, or e.g. 4GiB).")
    String kvCacheMemory;

    @Option(names = "--num-gpu-blocks-override", paramLabel = "N",
            description = "Exactly N KV blocks, whatever the memory (tests use it to force preemption).")
    Integer numBlocksOverride;

    @Option(names = "--swap-space", paramLabel = "GIB", defaultValue = "4",
            description = "Swap tier for preempted requests' KV blocks with --preemption-mode swap (GiB, a sparse"
                    + " memory-mapped file in the temp directory).")
    double swapSpaceGiB;

    @Option(names = "--preemption-mode", paramLabel = "MODE", defaultValue = "recompute",
            description = "When KV blocks run out: recompute (drop the newest request's KV) or swap (copy it to"
                    + " the swap space).")
    String preemptionMode;

    @Option(names = "--rope-scaling-mode", paramLabel = "MODE", defaultValue = "static",
            description = "static: the rope scaling applies to every request; per-request (yarn only): a request"
                    + " whose prompt + max_tokens fit original_max_position_embeddings runs unscaled, a longer one"
                    + " with yarn, on one copy of the weights.")
    String ropeScalingMode;

    @Option(names = "--mla-absorb-prefill", defaultValue = "false",
            description = "DeepSeek (MLA) models: run prefill attention on the cached latent with the up-projections"
                    + " absorbed into the query and output, as decode does (ktransformers' absorb_for_prefill), instead"
                    + " of decompressing per-head keys and values; less memory at long context, same logits.")
    boolean mlaAbsorbPrefill;

    EngineConfig toConfig() {
        PreemptionMode mode = PreemptionMode.parse(preemptionMode);
        RopeScalingMode ropeMode = RopeScalingMode.parse(ropeScalingMode);
        if (swapSpaceGiB < 0) {
            throw new IllegalArgumentException("--swap-space must be >= 0, found " + swapSpaceGiB);
        }
        CacheConfig cache = new CacheConfig(blockSize, prefixCaching, memoryUtilization,
                kvCacheMemory == null ? -1 : parseBytes("--kv-cache-memory", kvCacheMemory),
                numBlocksOverride == null ? -1 : numBlocksOverride,
                mode == PreemptionMode.SWAP ? (long) (swapSpaceGiB * (1L << 30)) : 0);
        return new EngineConfig(model, loadFormat, parseWeightType(weightType), 0,
                threads != null ? threads : Runtime.getRuntime().availableProcessors(), kvCacheType(), maxModelLen,
                allowLongMaxModelLen, maxNumBatchedTokens, cache,
                new SchedulingConfig(maxNumSeqs, chunkedPrefill, mode), ropeScalingOverride(), dualChunkOverride(),
                ropeMode, mlaAbsorbPrefill);
    }

    @Option(names = "--rope-scaling", paramLabel = "JSON",
            description = "Replace the model's rope scaling, e.g. '{\"rope_type\":\"yarn\",\"factor\":4.0,"
                    + "\"original_max_position_embeddings\":32768}' (linear, dynamic, yarn, llama3).")
    String ropeScaling;

    @Option(names = "--hf-overrides", paramLabel = "JSON",
            description = "Override config.json fields; this engine takes \"rope_scaling\" (or \"rope_parameters\") and"
                    + " \"dual_chunk_attention_config\".")
    String hfOverrides;

    /** What --rope-scaling or --hf-overrides put in place of the model's config, as JSON for the log; null if none. */
    String configOverride() {
        if (ropeScaling != null && hfOverrides != null) {
            throw new IllegalArgumentException("give --rope-scaling or --hf-overrides, not both");
        }
        if (ropeScaling != null) return "{\"rope_scaling\": " + ropeScaling.strip() + "}";
        return hfOverrides == null ? null : hfOverrides.strip();
    }

    /** The override's JSON object; null when there is none. */
    private JsonObject overrideObject() {
        String json = configOverride();
        if (json == null) return null;
        JsonObject o = JsonObject.parse(json, ropeScaling != null ? "--rope-scaling" : "--hf-overrides");
        for (String key : o.map().keySet()) {
            if (!key.equals("rope_scaling") && !key.equals("rope_parameters")
                    && !key.equals("dual_chunk_attention_config")) {
                throw new IllegalArgumentException("--hf-overrides: '" + key + "' cannot be overridden on this"
                        + " engine (only rope_scaling / rope_parameters and dual_chunk_attention_config)");
            }
        }
        return o;
    }

    private RotaryScaling ropeScalingOverride() {
        JsonObject o = overrideObject();
        if (o == null || !(o.has("rope_scaling") || o.has("rope_parameters"))) return null;
        JsonObject r = o.getObject(o.has("rope_scaling") ? "rope_scaling" : "rope_parameters");
        return RotaryScaling.fromConfig(r);
    }

    private DcaConfig dualChunkOverride() {
        JsonObject o = overrideObject();
        return o == null || !o.has("dual_chunk_attention_config") ? null
                : DcaConfig.from(o.getObject("dual_chunk_attention_config"));
    }

    /** --kv-cache-dtype, or what --dtype implies for it when that is auto. */
    private String kvCacheType() {
        if (!"auto".equalsIgnoreCase(kvCacheDType)) return KvCacheDType.parse(kvCacheDType).label;
        return switch (dtype.toLowerCase(Locale.ROOT)) {
            case "auto" -> "auto";
            case "half", "float16", "fp16" -> "f16";
            case "bfloat16", "bf16" -> "bf16";
            case "float", "float32", "fp32" -> "f32";
            default -> throw new IllegalArgumentException("unknown --dtype '" + dtype
                    + "' (expected auto, half, float16, bfloat16, float, float32)");
        };
    }

    /** Loads the model and starts the engine, logging its start-up report to the command's standard error. */
    LLM load(EngineConfig config, CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        if (configOverride() != null) err.println("INFO Overriding model config with " + configOverride());
        return LLM.load(config, KernelProvider.best(), line -> {
            err.println("INFO " + line);
            err.flush();
        });
    }

    /** Bytes from {@code 123}, {@code 4GiB}, {@code 512MiB}, {@code 2G} (binary units). */
    static long parseBytes(String flag, String value) {
        Matcher m = Pattern.compile("(?i)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)\\s*")
                .matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException(flag + " must be a size such as 4294967296 or 4GiB, found '" + value
                    + "'");
        }
        double n = Double.parseDouble(m.group(1));
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k", "kb", "kib" -> 10;
            case "m", "mb", "mib" -> 20;
            case "g", "gb", "gib" -> 30;
            case "t", "tb", "tib" -> 40;
            default -> 0;
        };
        return (long) (n * (1L << shift));
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
