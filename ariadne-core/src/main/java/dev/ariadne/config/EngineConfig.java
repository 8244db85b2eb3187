package dev.ariadne.config;

import dev.ariadne.tensor.GGMLType;

import java.nio.file.Path;

/**
 * Everything an engine is started with, validated; the CLI's {@code EngineArgs} is the only place that builds it
 * from flags.
 *
 * @param model               GGUF file, Hugging Face directory, or config.json (with {@code loadFormat} dummy)
 * @param loadFormat          {@code auto} or {@code dummy}
 * @param dummyWeightType     weight type of dummy weights
 * @param seed                seed of dummy weights
 * @param threads             compute threads (--threads)
 * @param kvCacheDType        {@code auto}, fp32, fp16, bf16, fp8, int8, q8_0 or q4_0 (see {@link dev.ariadne.kv.KvCacheDType})
 * @param maxModelLen         context limit per sequence; 0 = the model's stated context length
 * @param allowLongMaxModelLen allow maxModelLen beyond the model's stated context (vLLM's
 *                            VLLM_ALLOW_LONG_MAX_MODEL_LEN; llama-perplexity only warns)
 * @param maxNumBatchedTokens most tokens per forward step, over all requests (the step's token budget)
 * @param cache               the paged KV cache
 * @param scheduling          batching limits and preemption
 * @param ropeScaling         replaces the model's rope scaling ({@code --rope-scaling}, {@code --hf-overrides}); null
 *                            keeps the model's
 * @param dualChunk           Dual Chunk Attention in place of the model's ({@code --hf-overrides
 *                            '{"dual_chunk_attention_config": {...}}'}); null keeps the model's
 * @param ropeScalingMode     whether the rope scaling applies to every request or, for YaRN, only to those longer
 *                            than the original context ({@code --rope-scaling-mode}); null is STATIC
 * @param mlaAbsorbPrefill    latent attention (DeepSeek): prefill attends through the cached latent as decode does,
 *                            instead of decompressing per-head keys and values ({@code --mla-absorb-prefill})
 */
public record EngineConfig(Path model, String loadFormat, GGMLType dummyWeightType, long seed, int threads,
                           String kvCacheDType, int maxModelLen, boolean allowLongMaxModelLen,
                           int maxNumBatchedTokens, CacheConfig cache, SchedulingConfig scheduling,
                           RotaryScaling ropeScaling, DcaConfig dualChunk, RopeScalingMode ropeScalingMode,
                           boolean mlaAbsorbPrefill) {

    public EngineConfig {
        if (model == null) {
            throw new IllegalArgumentException("--model is required");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, found " + threads);
        }
        if (maxModelLen < 0) {
            throw new IllegalArgumentException("--max-model-len must be positive, found " + maxModelLen);
        }
        if (maxNumBatchedTokens < 1) {
            throw new IllegalArgumentException("--max-num-batched-tokens must be positive, found "
                    + maxNumBatchedTokens);
        }
        if (cache == null) cache = CacheConfig.defaults();
        if (scheduling == null) scheduling = SchedulingConfig.defaults();
        if (ropeScalingMode == null) ropeScalingMode = RopeScalingMode.STATIC;
    }

    /** With static rope scaling (today's behaviour for every caller that does not name a mode). */
    public EngineConfig(Path model, String loadFormat, GGMLType dummyWeightType, long seed, int threads,
                        String kvCacheDType, int maxModelLen, boolean allowLongMaxModelLen, int maxNumBatchedTokens,
                        CacheConfig cache, SchedulingConfig scheduling, RotaryScaling ropeScaling,
                        DcaConfig dualChunk) {
        this(model, loadFormat, dummyWeightType, seed, threads, kvCacheDType, maxModelLen, allowLongMaxModelLen,
                maxNumBatchedTokens, cache, scheduling, ropeScaling, dualChunk, RopeScalingMode.STATIC, false);
    }

    public static EngineConfig defaults(Path model) {
        return new EngineConfig(model, "auto", GGMLType.Q8_0, 0, Runtime.getRuntime().availableProcessors(),
                "auto", 0, false, 512, CacheConfig.defaults(), SchedulingConfig.defaults(), null, null,
                RopeScalingMode.STATIC, false);
    }

    /** As the canonical constructor, with prefill decompressing latent attention (the default). */
    public EngineConfig(Path model, String loadFormat, GGMLType dummyWeightType, long seed, int threads,
                        String kvCacheDType, int maxModelLen, boolean allowLongMaxModelLen, int maxNumBatchedTokens,
                        CacheConfig cache, SchedulingConfig scheduling, RotaryScaling ropeScaling,
                        DcaConfig dualChunk, RopeScalingMode ropeScalingMode) {
        this(model, loadFormat, dummyWeightType, seed, threads, kvCacheDType, maxModelLen, allowLongMaxModelLen,
                maxNumBatchedTokens, cache, scheduling, ropeScaling, dualChunk, ropeScalingMode, false);
    }

    public EngineConfig withMlaAbsorbPrefill(boolean absorb) {
        return new EngineConfig(model, loadFormat, dummyWeightType, seed, threads, kvCacheDType, maxModelLen,
                allowLongMaxModelLen, maxNumBatchedTokens, cache, scheduling, ropeScaling, dualChunk, ropeScalingMode,
                absorb);
    }

    public EngineConfig withThreads(int n) {
        return new EngineConfig(model, loadFormat, dummyWeightType, seed, n, kvCacheDType, maxModelLen,
                allowLongMaxModelLen, maxNumBatchedTokens, cache, scheduling, ropeScaling, dualChunk, ropeScalingMode,
                mlaAbsorbPrefill);
    }

    public EngineConfig withKvCacheDType(String dtype) {
        return new EngineConfig(model, loadFormat, dummyWeightType, seed, threads, dtype, maxModelLen,
                allowLongMaxModelLen, maxNumBatchedTokens, cache, scheduling, ropeScaling, dualChunk, ropeScalingMode,
                mlaAbsorbPrefill);
    }

    public EngineConfig withMaxModelLen(int len, boolean allowLong) {
        return new EngineConfig(model, loadFormat, dummyWeightType, seed, threads, kvCacheDType, len, allowLong,
                maxNumBatchedTokens, cache, scheduling, ropeScaling, dualChunk, ropeScalingMode,
                mlaAbsorbPrefill);
    }

    public EngineConfig withMaxNumBatchedTokens(int n) {
        return new EngineConfig(model, loadFormat, dummyWeightType, seed, threads, kvCacheDType, maxModelLen,
                allowLongMaxModelLen, n, cache, scheduling, ropeScaling, dualChunk, ropeScalingMode,
                mlaAbsorbPrefill);
    }

    public EngineConfig withCache(CacheConfig c) {
        return new EngineConfig(model, loadFormat, dummyWeightType, seed, threads, kvCacheDType, maxModelLen,
                allowLongMaxModelLen, maxNumBatchedTokens, c, scheduling, ropeScaling, dualChunk, ropeScalingMode,
                mlaAbsorbPrefill);
    }

    public EngineConfig withScheduling(SchedulingConfig s) {
        return new EngineConfig(model, loadFormat, dummyWeightType, seed, threads, kvCacheDType, maxModelLen,
                allowLongMaxModelLen, maxNumBatchedTokens, cache, s, ropeScaling, dualChunk, ropeScalingMode,
                mlaAbsorbPrefill);
    }

    public EngineConfig withDualChunk(DcaConfig d) {
        return new EngineConfig(model, loadFormat, dummyWeightType, seed, threads, kvCacheDType, maxModelLen,
                allowLongMaxModelLen, maxNumBatchedTokens, cache, scheduling, ropeScaling, d, ropeScalingMode,
                mlaAbsorbPrefill);
    }

    public EngineConfig withRopeScaling(RotaryScaling r) {
        return new EngineConfig(model, loadFormat, dummyWeightType, seed, threads, kvCacheDType, maxModelLen,
                allowLongMaxModelLen, maxNumBatchedTokens, cache, scheduling, r, dualChunk, ropeScalingMode,
                mlaAbsorbPrefill);
    }

    public EngineConfig withRopeScalingMode(RopeScalingMode m) {
        return new EngineConfig(model, loadFormat, dummyWeightType, seed, threads, kvCacheDType, maxModelLen,
                allowLongMaxModelLen, maxNumBatchedTokens, cache, scheduling, ropeScaling, dualChunk, m,
                mlaAbsorbPrefill);
    }
}
