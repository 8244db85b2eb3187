package dev.ariadne.memory;

import dev.ariadne.kv.KvCacheDType;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Answers "what fits where" before anything is started: a GPU deployment with vLLM's arithmetic, and Ariadne's CPU
 * engine on this machine with the same formulas. The engine's start-up report calls {@link #cpuEngine} too, so the
 * two never disagree.
 */
public final class MemoryPlanner {
    /** vLLM's non-torch memory (CUDA context, NCCL) when not given: the seed measured 0.20 GiB at tensor parallel 4. */
    public static final long DEFAULT_GPU_OTHER = (long) (0.20 * ByteSize.GiB);
    /** Ariadne's process memory besides weights, activations and KV: JVM heap, threads, tokenizer. */
    public static final long DEFAULT_CPU_OTHER = ByteSize.GiB;
    /** How the CPU engine's KV budget is reached, as the plan and the engine print it. */
    static final String MEMORY_BUDGET_ORIGIN = "memory x utilization - weights - activation - other";
    /** KV dtypes the CPU engine stores. */
    public static final Set<KvCacheDType> CPU_KV_DTYPES =
            java.util.EnumSet.allOf(KvCacheDType.class);

    private MemoryPlanner() {
    }

    public static MemoryPlan plan(PlannedModel source, PlanInputs in, HostMemory host) {
        ModelShape shape = effectiveShape(source, in);
        return new MemoryPlan(source.description(), shape, gpu(source, shape, in), cpuEngine(source, shape, in, host));
    }

    static ModelShape effectiveShape(PlannedModel source, PlanInputs in) {
        return in.ropeScaling() != null ? source.shape().withRope(in.ropeScaling()) : source.shape();
    }

    /** A GPU deployment with vLLM's semantics. */
    public static DevicePlan gpu(PlannedModel source, ModelShape shape, PlanInputs in) {
        int tp = in.tensorParallel();
        WeightDtype wd = weightDtype(source, shape, in);
        int act = wd != null ? wd.activationBytes() : 2;
        KvCacheDType kvd = in.kvCacheDtype() != null ? in.kvCacheDtype() : autoKv(shape, wd);
        List<PlannedTensor> tensors = new ArrayList<>(weightTensors(source, shape, wd));
        tensors.add(RotaryCache.vllmBuffer(shape, act));
        WeightFootprint footprint = new WeightFootprint(sourceLabel(source, wd), tp, tensors);
        int maxLen = in.maxModelLen() != null ? in.maxModelLen() : shape.derivedMaxModelLen();

        Amount weights = in.weightsMemory() != null ? Amount.given(in.weightsMemory())
                : new Amount(footprint.bytesPerRank(), "from " + footprint.source());
        ActivationEstimate estimate = ActivationEstimate.of(shape, tp, in.maxNumBatchedTokens(),
                ActivationProfile.vllm(act));
        Amount activation = in.activationMemory() != null ? Amount.given(in.activationMemory())
                : new Amount(estimate.bytes(), "estimated");
        String activationHow = in.activationMemory() != null ? "given (what vLLM's profiling run measured)"
                : estimate.how();
        Amount other = in.otherMemory() != null ? Amount.given(in.otherMemory())
                : new Amount(DEFAULT_GPU_OTHER, "assumed: CUDA context and NCCL, vLLM's non-torch memory");

        List<RankBudget> ranks = gpuRanks(in, weights.bytes() + activation.bytes() + other.bytes());
        MemoryBudget budget = new MemoryBudget(in.utilization(), weights, activation, other, ranks);
        KvFootprint kv = KvFootprint.of(shape, tp, kvd);
        KvCapacity capacity = budget.known()
                ? KvCapacity.of(budget.smallest().kv().bytes(), kv, in.blockSize(), maxLen) : null;

        DcaBuffers dcaBuffers = shape.dca() != null
                ? DcaBuffers.vllmGpu(shape, tp, maxLen, in.maxNumBatchedTokens(), act) : null;
        DcaCheck dca = dcaBuffers != null && budget.totalsKnown()
                ? DcaCheck.of(dcaBuffers, ranks.stream().mapToLong(RankBudget::totalMemory).min().orElseThrow(),
                in.utilization())
                : null;

        List<KvCacheDType> whatIfTypes = dtypes(kvd, autoKv(shape, wd), KvCacheDType.FP8, KvCacheDType.INT8,
                KvCacheDType.Q8_0, KvCacheDType.Q4_0);
        List<WhatIfRow> whatIf = WhatIfTable.build(shape, tp, budget, in.blockSize(), maxLen, whatIfTypes);

        List<String> notes = new ArrayList<>(commonNotes(shape, maxLen, capacity, budget));
        if (kvd == KvCacheDType.Q8_0 || kvd == KvCacheDType.Q4_0) {
            notes.add("vLLM has no " + kvd + " KV cache; the figures show llama.cpp's block layout for comparison");
        }
        String device = in.deviceMemory().isEmpty() ? tp + " GPU rank(s), memory not given"
                : tp + " x GPU of " + describeTotals(in.deviceMemory());
        DeploymentSettings settings = new DeploymentSettings(tp, wd != null ? wd.label : "GGUF", kvd, in.blockSize(),
                maxLen, in.maxNumBatchedTokens());
        return new DevicePlan("gpu", device, settings, footprint, budget, activationHow, kv, capacity, dcaBuffers, dca,
                whatIf, notes);
    }

    /**
     * Each rank's KV budget: given ({@code --kv-cache-memory}), or {@code total x utilization - non-KV} from the
     * device's memory; none when neither is known.
     */
    private static List<RankBudget> gpuRanks(PlanInputs in, long nonKv) {
        List<RankBudget> ranks = new ArrayList<>();
        if (in.kvCacheMemory().isEmpty() && in.deviceMemory().isEmpty()) {
            return ranks;
        }
        for (int r = 0; r < in.tensorParallel(); r++) {
            long total = in.deviceMemory().isEmpty() ? 0 : PlanInputs.forRank(in.deviceMemory(), r);
            RankBudget fromMemory = RankBudget.fromMemory(r, total, in.utilization(), nonKv,
                    "total x utilization - weights - activation - other");
            ranks.add(in.kvCacheMemory().isEmpty() ? fromMemory : new RankBudget(r, total, fromMemory.requested(),
                    Amount.given(PlanInputs.forRank(in.kvCacheMemory(), r))));
        }
        return ranks;
    }

    /** Ariadne's CPU engine on a machine with {@code host}'s memory: one rank, fp32 activations. */
    public static DevicePlan cpuEngine(PlannedModel source, ModelShape shape, PlanInputs in, HostMemory host) {
        WeightDtype wd = weightDtype(source, shape, in);
        KvCacheDType auto = autoKv(shape, wd);
        KvCacheDType kvd = in.kvCacheDtype() != null && CPU_KV_DTYPES.contains(in.kvCacheDtype())
                ? in.kvCacheDtype() : auto;
        WeightFootprint footprint = new WeightFootprint(sourceLabel(source, wd), 1, weightTensors(source, shape, wd));
        int maxLen = in.maxModelLen() != null ? in.maxModelLen() : shape.derivedMaxModelLen();
        int tokens = in.maxNumBatchedTokens();

        ActivationEstimate estimate = ActivationEstimate.of(shape, 1, tokens, ActivationProfile.ariadneCpu());
        DcaBuffers dcaBuffers = shape.dca() != null ? DcaBuffers.ariadneCpu(shape, tokens) : null;
        long activationBytes = estimate.bytes() + (dcaBuffers != null ? dcaBuffers.bytes() : 0);
        String activationHow = estimate.how() + (dcaBuffers != null ? "; plus " + dcaBuffers.how() : "");
        Amount weights = new Amount(footprint.bytesPerRank(), "from " + footprint.source());
        Amount activation = new Amount(activationBytes,
                dcaBuffers != null ? "estimated, DCA workspace included" : "estimated");
        Amount other = new Amount(DEFAULT_CPU_OTHER, "assumed: JVM heap, threads, tokenizer");

        RankBudget rank = RankBudget.fromMemory(0, host.limit(), in.utilization(),
                weights.bytes() + activation.bytes() + other.bytes(), MEMORY_BUDGET_ORIGIN);
        long kvBytes = rank.kv().bytes();
        MemoryBudget budget = new MemoryBudget(in.utilization(), weights, activation, other, List.of(rank));
        KvFootprint kv = KvFootprint.of(shape, 1, kvd);
        KvCapacity capacity = KvCapacity.of(kvBytes, kv, in.blockSize(), maxLen);
        List<WhatIfRow> whatIf = WhatIfTable.build(shape, 1, budget, in.blockSize(), maxLen,
                dtypes(kvd, auto, KvCacheDType.Q8_0, KvCacheDType.Q4_0));

        List<String> notes = new ArrayList<>(commonNotes(shape, maxLen, capacity, budget));
        if (in.kvCacheDtype() != null && !CPU_KV_DTYPES.contains(in.kvCacheDtype())) {
            notes.add("the CPU engine has no " + in.kvCacheDtype() + " KV cache; planned with " + kvd);
        }
        if (in.tensorParallel() > 1 || !in.deviceMemory().isEmpty() || !in.kvCacheMemory().isEmpty()
                || in.weightsMemory() != null || in.activationMemory() != null || in.otherMemory() != null) {
            notes.add("the tensor-parallel and --*-memory flags describe GPU ranks; the CPU engine is one process"
                    + " sized from this machine");
        }
        DeploymentSettings settings = new DeploymentSettings(1, wd != null ? wd.label : "GGUF", kvd, in.blockSize(),
                maxLen, tokens);
        return new DevicePlan("cpu", host.describe(), settings, footprint, budget,
                activationHow, kv, capacity, dcaBuffers, null, whatIf, notes);
    }

    private static List<String> commonNotes(ModelShape shape, int maxLen, KvCapacity capacity, MemoryBudget budget) {
        List<String> notes = new ArrayList<>();
        if (maxLen > shape.derivedMaxModelLen()) {
            notes.add("max-model-len " + ByteSize.count(maxLen) + " is beyond the model's "
                    + ByteSize.count(shape.derivedMaxModelLen()) + " positions: vLLM refuses it without --rope-scaling"
                    + " (e.g. {\"rope_type\":\"yarn\",\"factor\":4.0,\"original_max_position_embeddings\":"
                    + shape.maxPositionEmbeddings() + "})");
        }
        if (capacity != null && !capacity.fitsOneRequest()) {
            if (budget.smallest().kv().bytes() <= 0) {
                notes.add("does not fit: weights, activations and other memory already take "
                        + ByteSize.gib(budget.nonKvBytes()) + " of the " + ByteSize.gib(budget.smallest().requested())
                        + " budget, nothing is left for the KV cache");
            } else {
                notes.add("one request of " + ByteSize.count(maxLen) + " tokens needs "
                        + ByteSize.count(capacity.blocksPerRequest()) + " blocks (" + ByteSize.gib(capacity.bytesPerRequest())
                        + ") but there are " + ByteSize.count(capacity.numBlocks()) + ": vLLM refuses to start; the"
                        + " largest max-model-len that fits is " + ByteSize.count(capacity.largestMaxModelLen()));
            }
        }
        if (budget.ranks().stream().map(r -> r.kv().bytes()).distinct().count() > 1) {
            notes.add("ranks differ: every rank uses rank " + budget.smallest().rank() + "'s "
                    + ByteSize.count(capacity.numBlocks()) + " blocks (vLLM takes the minimum over ranks)");
        }
        return notes;
    }

    private static WeightDtype weightDtype(PlannedModel source, ModelShape shape, PlanInputs in) {
        if (source.isGguf()) return null;
        return in.dtype() != null ? in.dtype() : WeightDtype.auto(shape.torchDtype());
    }

    private static KvCacheDType autoKv(ModelShape shape, WeightDtype wd) {
        if (wd != null) return wd.activationType();
        return WeightDtype.auto(shape.torchDtype()).activationType();
    }

    private static List<PlannedTensor> weightTensors(PlannedModel source, ModelShape shape, WeightDtype wd) {
        return source.isGguf() ? source.ggufTensors() : ConfigTensors.of(shape, wd);
    }

    private static String sourceLabel(PlannedModel source, WeightDtype wd) {
        return source.isGguf() ? "GGUF tensors" : "config.json as " + wd;
    }

    private static List<KvCacheDType> dtypes(KvCacheDType... types) {
        return List.copyOf(new LinkedHashSet<>(List.of(types)));
    }

    private static String describeTotals(List<Long> totals) {
        if (totals.size() == 1) return ByteSize.gib(totals.getFirst());
        return String.join(", ", totals.stream().map(ByteSize::gib).toList());
    }
}
