package dev.ariadne.cli;

import dev.ariadne.memory.Amount;
import dev.ariadne.memory.ByteSize;
import dev.ariadne.memory.DcaCheck;
import dev.ariadne.memory.DevicePlan;
import dev.ariadne.memory.KvCapacity;
import dev.ariadne.memory.MemoryPlan;
import dev.ariadne.memory.PlanReport;
import dev.ariadne.memory.RankBudget;
import dev.ariadne.memory.WhatIfRow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code ariadne plan --json}: the plan as plain maps and lists, bytes as numbers with a readable twin. */
final class PlanJson {
    private PlanJson() {
    }

    static Map<String, Object> of(MemoryPlan plan) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", plan.model());
        m.put("architecture", plan.shape().architecture());
        m.put("shape", plan.shape().summary());
        m.put("parameters", plan.gpu().weights().parameters());
        m.put("gpu", device(plan.gpu()));
        Map<String, Object> cpu = device(plan.cpu());
        cpu.put("startup_report", PlanReport.startupLines(plan.cpu()));
        m.put("cpu", cpu);
        return m;
    }

    private static Map<String, Object> device(DevicePlan p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", p.target());
        m.put("device", p.device());
        var s = p.settings();
        m.put("settings", map("tensor_parallel_size", s.tensorParallel(), "dtype", s.weightsDtype(),
                "kv_cache_dtype", s.kvCacheDtype().label, "block_size", s.blockSize(), "max_model_len", s.maxModelLen(),
                "max_num_batched_tokens", s.maxNumBatchedTokens(), "utilization", p.budget().utilization()));
        var w = p.weights();
        m.put("weights", map("source", w.source(), "parameters", w.parameters(),
                "parameters_per_rank", w.parametersPerRank(), "bytes_per_rank", w.bytesPerRank(),
                "buffer_bytes_per_rank", w.bufferBytesPerRank(), "replicated_bytes_per_rank", w.replicatedBytesPerRank(),
                "human", ByteSize.gib(w.bytesPerRank())));
        Map<String, Object> budget = new LinkedHashMap<>();
        budget.put("weights", amount(p.budget().weights()));
        Map<String, Object> act = amount(p.budget().activation());
        act.put("how", p.activationHow());
        budget.put("activation", act);
        budget.put("other", amount(p.budget().other()));
        List<Object> ranks = new ArrayList<>();
        for (RankBudget r : p.budget().ranks()) {
            ranks.add(map("rank", r.rank(), "total_bytes", r.totalMemory(), "requested_bytes", r.requested(),
                    "kv_bytes", r.kv().bytes(), "kv_origin", r.kv().origin(), "kv_human", ByteSize.gib(r.kv().bytes())));
        }
        budget.put("ranks", ranks);
        m.put("budget", budget);
        var kv = p.kv();
        m.put("kv", map("dtype", kv.dtype().label, "bytes_per_token_per_rank", kv.bytesPerToken(),
                "human", ByteSize.human(kv.bytesPerToken()), "explain", kv.explain(),
                "page_bytes", kv.pageBytes(s.blockSize()), "block_bytes", kv.blockBytes(s.blockSize())));
        if (p.capacity() != null) {
            m.put("capacity", capacity(p.capacity()));
        }
        if (p.dcaBuffers() != null) {
            m.put("dca", dca(p));
        }
        m.put("what_if", whatIf(p));
        m.put("notes", p.notes());
        return m;
    }

    private static Map<String, Object> capacity(KvCapacity c) {
        return map("available_bytes", c.availableBytes(), "num_blocks", c.numBlocks(),
                "tokens", c.tokens(), "blocks_per_request", c.blocksPerRequest(),
                "bytes_per_request", c.bytesPerRequest(), "max_concurrency", c.concurrency(),
                "max_concurrency_text", String.format(Locale.ROOT, "%.2fx", c.concurrency()),
                "fits_one_request", c.fitsOneRequest(), "largest_max_model_len", c.largestMaxModelLen(),
                "lines", List.of(c.sizeLine(), c.concurrencyLine(), c.perRequestLine()));
    }

    private static Map<String, Object> dca(DevicePlan p) {
        Map<String, Object> dca = map("buffer_bytes", p.dcaBuffers().bytes(), "how", p.dcaBuffers().how());
        if (p.dca() != null) {
            List<Object> fits = new ArrayList<>();
            for (DcaCheck.Fit f : p.dca().fits()) {
                fits.add(map("utilization", f.utilization(), "free_bytes", f.freeBytes(), "fits", f.fits()));
            }
            dca.put("fits", fits);
            dca.put("max_utilization", p.dca().maxUtilization());
        }
        return dca;
    }

    private static List<Object> whatIf(DevicePlan p) {
        List<Object> whatIf = new ArrayList<>();
        for (WhatIfRow r : p.whatIf()) {
            Map<String, Object> row = map("max_model_len", r.maxModelLen(), "kv_cache_dtype", r.kvCacheDtype().label,
                    "kv_bytes_per_token_per_rank", r.kvBytesPerToken(), "kv_bytes_per_request", r.kvBytesPerRequest(),
                    "device_memory_for_one_request", r.deviceMemoryForOne());
            if (r.budgetKnown()) {
                row.put("num_blocks", r.numBlocks());
                row.put("max_concurrency", r.concurrency());
            }
            if (!r.note().isEmpty()) row.put("note", r.note());
            whatIf.add(row);
        }
        return whatIf;
    }

    private static Map<String, Object> amount(Amount a) {
        return map("bytes", a.bytes(), "origin", a.origin(), "human", ByteSize.gib(a.bytes()));
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
