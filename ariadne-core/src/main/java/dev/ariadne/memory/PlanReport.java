package dev.ariadne.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The plan as text. {@link #budgetLines} and the engine's start-up report ({@link KvCacheSizing#startupLines}) are
 * built from the same line methods, so {@code ariadne plan} and the engine say the same words.
 */
public final class PlanReport {
    private PlanReport() {
    }

    public static String text(MemoryPlan plan) {
        List<String> out = new ArrayList<>();
        WeightFootprint w = plan.gpu().weights();
        out.add("Model: " + plan.model());
        out.add("  " + plan.shape().architecture() + ": " + plan.shape().summary());
        out.add("  Parameters: " + ByteSize.count(w.parameters()) + String.format(Locale.ROOT, " (%.2fB)",
                w.parameters() / 1e9));
        out.add("");
        out.add("GPU deployment (vLLM semantics): " + plan.gpu().device());
        out.addAll(indent(deviceLines(plan.gpu())));
        out.add("");
        out.add("Ariadne CPU engine on this machine: " + plan.cpu().device());
        out.addAll(indent(deviceLines(plan.cpu())));
        return String.join("\n", out) + "\n";
    }

    /**
     * The start-up report the plan predicts for the CPU engine; the engine logs the same lines from what it measured
     * ({@link KvCacheSizing#startupLines}).
     */
    public static List<String> startupLines(DevicePlan cpu) {
        return budgetLines(cpu);
    }

    private static List<String> deviceLines(DevicePlan p) {
        List<String> out = new ArrayList<>();
        DeploymentSettings s = p.settings();
        out.add(String.format(Locale.ROOT, "tensor parallel %d, dtype %s, KV cache %s, block %d, max-model-len %s,"
                        + " max-num-batched-tokens %s", s.tensorParallel(), s.weightsDtype(), s.kvCacheDtype(),
                s.blockSize(), ByteSize.count(s.maxModelLen()), ByteSize.count(s.maxNumBatchedTokens())));
        out.add(weightsLine(p));
        out.add("Activation peak: " + p.activationHow());
        out.addAll(budgetLines(p));
        if (p.capacity() != null) {
            out.add(p.capacity().perRequestLine());
        }
        if (p.budget().ranks().stream().map(r -> r.kv().bytes()).distinct().count() > 1) {
            out.add("Per rank (vLLM uses the smallest rank's blocks on every rank):");
            out.addAll(rankTable(p));
        }
        if (p.dcaBuffers() != null) {
            out.add("Dual Chunk Attention buffers per rank: " + ByteSize.gib(p.dcaBuffers().bytes()) + " = "
                    + p.dcaBuffers().how());
            if (p.dca() != null) {
                out.add("  not counted by vLLM's profile, so they must fit outside the budget, total x (1 - utilization):");
                for (DcaCheck.Fit f : p.dca().fits()) out.add("  " + f.line());
                out.add(String.format(Locale.ROOT, "  highest utilization that leaves room for them: %.3f",
                        p.dca().maxUtilization()));
            }
        }
        out.add(p.budget().known() ? "What if (KV budget " + ByteSize.gib(Math.max(0, p.budget().smallest().kv().bytes()))
                + (p.budget().ranks().size() > 1 ? " on the smallest rank" : "")
                + "; memory/rank is what one request needs at utilization "
                + String.format(Locale.ROOT, "%.2f", p.budget().utilization()) + "):"
                : "What if (no budget given: memory/rank is what one request needs at utilization "
                + String.format(Locale.ROOT, "%.2f", p.budget().utilization()) + "):");
        out.addAll(whatIfTable(p));
        for (String n : p.notes()) out.add("Note: " + n);
        return out;
    }

    private static String weightsLine(DevicePlan p) {
        WeightFootprint w = p.weights();
        int tp = w.tensorParallel();
        StringBuilder s = new StringBuilder((tp > 1 ? "Weights per rank: " : "Weights: ") + ByteSize.gib(w.bytesPerRank())
                + " from "
                + w.source() + ", " + ByteSize.count(w.parametersPerRank()) + " parameters");
        if (tp > 1) {
            s.append("; vocabulary, attention and MLP/experts split ").append(tp)
                    .append(" ways; norms, routers").append(p.kv().mla() ? ", MLA down-projections" : "")
                    .append(" replicated (").append(ByteSize.human(w.replicatedBytesPerRank())).append(")");
            int kvHeads = p.kv().kvHeads();
            if (!p.kv().mla() && kvHeads < tp) {
                s.append(", K/V projections replicated ").append(tp / kvHeads).append("x (")
                        .append(kvHeads).append(" KV heads < ").append(tp).append(" ranks)");
            }
        }
        if (w.bufferBytesPerRank() > 0) {
            s.append("; + rotary cos/sin cache ").append(ByteSize.human(w.bufferBytesPerRank()));
        }
        if (p.budget().weights().isGiven()) {
            s.append(" (using the given ").append(ByteSize.gib(p.budget().weights().bytes())).append(")");
        }
        return s.toString();
    }

    /** The budget, KV layout, blocks and concurrency: the plan's core, in the words the engine logs at start-up. */
    public static List<String> budgetLines(DevicePlan p) {
        List<String> out = new ArrayList<>();
        MemoryBudget b = p.budget();
        if (b.totalsKnown()) {
            out.add(memoryLine(b, null));
        }
        out.add(nonKvLine(b));
        if (b.known()) {
            out.add(kvMemoryLine(b));
        }
        out.add(kvPerTokenLine(p.kv(), p.settings().blockSize(), p.settings().tensorParallel() > 1));
        if (p.capacity() != null) {
            out.addAll(capacityLines(p.capacity()));
        }
        return out;
    }

    /** {@code Memory: 16.00GiB (physical memory) x utilization 0.90 = 14.40GiB}; {@code source} may be null. */
    static String memoryLine(MemoryBudget b, String source) {
        RankBudget r = b.smallest();
        return String.format(Locale.ROOT, "Memory: %s%s x utilization %.2f = %s", ByteSize.gib(r.totalMemory()),
                source == null ? "" : " (" + source + ")", b.utilization(), ByteSize.gib(r.requested()));
    }

    /** {@code Weights 1.40GiB (loaded); activation peak 0.05GiB (profiled); other 0.30GiB (measured)}. */
    static String nonKvLine(MemoryBudget b) {
        return "Weights " + b.weights() + "; activation peak " + b.activation() + "; other " + b.other();
    }

    /** vLLM's {@code Available KV cache memory: 4.30GiB}, with where it comes from; a shortfall when negative. */
    static String kvMemoryLine(MemoryBudget b) {
        Amount kv = b.smallest().kv();
        String where = b.ranks().size() > 1 ? " on the smallest rank" : "";
        return kv.bytes() >= 0 ? "Available KV cache memory: " + kv + where
                : "Available KV cache memory: none" + where + ", short by " + ByteSize.gib(-kv.bytes()) + " ("
                + kv.origin() + ")";
    }

    /** {@code KV per token: 112KiB = 8 KV heads x 2 (K,V) x 128 x 2 B x 28 layers; block of 32 tokens ...}. */
    static String kvPerTokenLine(KvFootprint kv, int blockSize, boolean perRank) {
        return "KV per token" + (perRank ? " per rank" : "") + ": " + ByteSize.human(kv.bytesPerToken()) + " = "
                + kv.explain() + "; block of " + blockSize + " tokens " + ByteSize.human(kv.blockBytes(blockSize))
                + " (page " + ByteSize.human(kv.pageBytes(blockSize)) + " per layer)";
    }

    /** vLLM's {@code KV cache size} and {@code Maximum concurrency} lines, and the longest request that fits. */
    static List<String> capacityLines(KvCapacity c) {
        return List.of(c.sizeLine(), c.concurrencyLine(),
                "Largest max-model-len for one request: " + ByteSize.count(c.largestMaxModelLen()));
    }

    private static List<String> rankTable(DevicePlan p) {
        TextTable t = new TextTable("rank", "memory", "budget", "KV cache", "blocks");
        for (RankBudget r : p.budget().ranks()) {
            long blocks = KvCapacity.of(r.kv().bytes(), p.kv(), p.settings().blockSize(), p.settings().maxModelLen())
                    .numBlocks();
            t.row(String.valueOf(r.rank()), r.totalMemory() > 0 ? ByteSize.gib(r.totalMemory()) : "-",
                    r.requested() > 0 ? ByteSize.gib(r.requested()) : "-", ByteSize.gib(r.kv().bytes()),
                    ByteSize.count(blocks) + (r == p.budget().smallest() ? " (smallest)" : ""));
        }
        return t.lines("  ");
    }

    private static List<String> whatIfTable(DevicePlan p) {
        TextTable t = new TextTable("max-model-len", "KV dtype", "KV/token/rank", "one request", "blocks",
                "concurrency", "memory/rank", "note");
        for (WhatIfRow r : p.whatIf()) {
            t.row(ByteSize.count(r.maxModelLen()), r.kvCacheDtype().label, ByteSize.human(r.kvBytesPerToken()),
                    ByteSize.gib(r.kvBytesPerRequest()), r.budgetKnown() ? ByteSize.count(r.numBlocks()) : "-",
                    r.budgetKnown() ? String.format(Locale.ROOT, "%.2fx", r.concurrency()) : "-",
                    ByteSize.gib(r.deviceMemoryForOne()), r.note());
        }
        return t.lines("  ");
    }

    private static List<String> indent(List<String> lines) {
        return lines.stream().map(l -> "  " + l).toList();
    }
}
