package dev.ariadne.engine;

import dev.ariadne.config.CacheConfig;
import dev.ariadne.config.EngineConfig;
import dev.ariadne.config.ModelConfig;
import dev.ariadne.config.RopeScalingMode;
import dev.ariadne.config.RotaryScaling;
import dev.ariadne.kv.BlockPool;
import dev.ariadne.kv.KvCacheManager;
import dev.ariadne.kv.KvRows;
import dev.ariadne.kv.PagedKvStorage;
import dev.ariadne.kv.SwapSlots;
import dev.ariadne.kv.SwapSpace;
import dev.ariadne.memory.ByteSize;
import dev.ariadne.memory.HostMemory;
import dev.ariadne.memory.KvCacheBudgetInputs;
import dev.ariadne.memory.KvCacheSizing;
import dev.ariadne.memory.RuntimeMemory;
import dev.ariadne.model.DecoderModel;
import dev.ariadne.sched.Scheduler;
import dev.ariadne.sched.SchedulerConfig;
import dev.ariadne.tokenizer.Tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Starts the serving engine as vLLM does: profile a step at the token budget, give what the memory budget leaves
 * to KV blocks, refuse to start when one request of the max model length cannot fit, then wire the block pool,
 * KV cache manager, scheduler and runner together. The report lines are what the engine logs.
 */
record EngineBuilder(EngineCore engine, List<String> report, KvCacheSizing sizing) {

    static EngineBuilder build(EngineConfig config, DecoderModel model, KvRows rows, int maxModelLen,
                               Tokenizer tokenizer) {
        ModelConfig c = model.config();
        CacheConfig cc = config.cache();
        int maxSeqs = config.scheduling().maxNumSeqs();
        ProfiledMemory profile = ProfiledMemory.profile(model, rows, cc.blockSize(), maxModelLen,
                ModelRunner.bufferBytes(maxSeqs, c.vocabSize()));
        KvCacheSizing budget = KvCacheSizing.compute(new KvCacheBudgetInputs(model.weights().bytes(),
                profile.peakBytes(), RuntimeMemory.otherRuntimeBytes(model.workspaceBytes()), HostMemory.detect(),
                cc.memoryUtilization(), cc.kvCacheMemoryBytes(), cc.numBlocksOverride(), cc.blockSize(),
                maxModelLen, c.numLayers(), c.cacheHeads(), c.cacheWidth(), rows.dtype(), c.cacheSharesValues()));
        List<String> report = new ArrayList<>();
        report.add(String.format(Locale.ROOT, "Profiling step of %d tokens: %.2f s; activation buffers %s,"
                        + " allocated during the step %s", profile.tokens(), profile.seconds(),
                ByteSize.human(profile.bufferBytes()), ByteSize.human(profile.allocatedBytes())));
        if (c.dualChunk() != null) {
            var d = c.dualChunk();
            report.add(String.format(Locale.ROOT, "Dual Chunk Attention: chunk_size %d, local_size %d (chunks of %d"
                            + " positions), original_max_position_embeddings %d; its buffers (2 more rotated query"
                            + " copies and their cos/sin for %d tokens) %s, counted in the activation buffers",
                    d.chunkSize(), d.localSize(), d.chunkLen(), d.originalMaxPositions(), model.maxTokens(),
                    ByteSize.human(model.dualChunkBytes())));
        }
        if (c.mla() != null) {
            var m = c.mla();
            report.add(String.format(Locale.ROOT, "Multi-head latent attention: the cache holds per token and layer"
                            + " one latent of %d values (kv_lora_rank %d + qk_rope_head_dim %d) for %d heads;"
                            + " decode attends through it (absorbed), prefill %s", m.latentWidth(), m.kvLoraRank(),
                    m.qkRopeHeadDim(), c.numHeads(), model.mlaDecompressedBytes() > 0
                            ? "decompresses per-head keys and values (buffers " + ByteSize.human(
                            model.mlaDecompressedBytes()) + " for " + maxModelLen + " positions, counted in the"
                            + " activation buffers; --mla-absorb-prefill avoids them)"
                            : "too (--mla-absorb-prefill)"));
        }
        String rope = ropeScalingLine(config.ropeScalingMode(), c.ropeScaling(), maxModelLen);
        if (rope != null) report.add(rope);
        report.addAll(budget.startupLines());
        if (profile.allocatedBytes() > profile.bufferBytes() / 10) {
            report.add("Warning: the profiling step allocated " + ByteSize.human(profile.allocatedBytes())
                    + " of garbage: the vector kernels were not compiled yet (or not intrinsified); steps run slower"
                    + " until they are");
        }
        budget.requireFitsOneRequest();
        PagedKvStorage storage = PagedKvStorage.forModel(c, cc.blockSize(), budget.numBlocks(), rows);
        SwapSpace swap = null;
        SwapSlots slots = null;
        try {
            if (cc.swapSpaceBytes() > 0) {
                swap = new SwapSpace(storage, cc.swapSpaceBytes(), Path.of(System.getProperty("java.io.tmpdir")));
                slots = new SwapSlots(swap.slots());
                report.add("Swap space: " + swap.slots() + " blocks in " + swap.path());
            }
            KvCacheManager kv = new KvCacheManager(new BlockPool(budget.numBlocks()), cc.blockSize(),
                    cc.prefixCaching(), cacheSalt(c, rows));
            var sc = config.scheduling();
            Scheduler scheduler = new Scheduler(new SchedulerConfig(config.maxNumBatchedTokens(), maxSeqs,
                    maxModelLen, sc.chunkedPrefill(), sc.preemptionMode()), kv, slots);
            ModelRunner runner = new ModelRunner(model, storage, swap, maxSeqs);
            int unscaledUpTo = config.ropeScalingMode().unscaledUpTo(c.ropeScaling());
            return new EngineBuilder(new EngineCore(scheduler, runner, tokenizer, maxModelLen, unscaledUpTo),
                    List.copyOf(report), budget);
        } catch (RuntimeException e) {
            if (swap != null) swap.close();
            storage.close();
            throw e;
        }
    }

    /** What per-request rope scaling does with this model; null in static mode (nothing changes). */
    static String ropeScalingLine(RopeScalingMode mode, RotaryScaling scaling, int maxModelLen) {
        if (mode == RopeScalingMode.STATIC) return null;
        int upTo = mode.unscaledUpTo(scaling);
        if (upTo == 0) {
            return "RoPE scaling per request applies to yarn only; the model's rope scaling (" + scaling + ") runs"
                    + " for every request, as with --rope-scaling-mode static";
        }
        return String.format(Locale.ROOT, "RoPE scaling per request: requests up to %d tokens (prompt + max_tokens)"
                        + " run unscaled, longer ones with yarn factor %s%s", upTo, factor(scaling.factor()),
                maxModelLen <= upTo ? " (none can be longer: max model length " + maxModelLen + ")" : "");
    }

    private static String factor(double f) {
        return f == Math.rint(f) ? Long.toString((long) f) : Double.toString(f);
    }

    /** What besides the tokens decides a block's keys: rope settings and the KV element type. */
    private static long cacheSalt(ModelConfig c, KvRows rows) {
        return Double.doubleToLongBits(c.ropeTheta()) * 31 + c.ropeStyle().ordinal() * 7L + rows.dtype().ordinal();
    }
}
