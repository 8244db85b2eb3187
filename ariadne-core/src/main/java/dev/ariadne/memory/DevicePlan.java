package dev.ariadne.memory;

import java.util.List;

/**
 * The plan for one target: a GPU deployment of vLLM's kind ({@code target = "gpu"}) or Ariadne's CPU engine on this
 * machine ({@code "cpu"}). {@code capacity} is null when no budget is known; {@code dca} is null for models without
 * Dual Chunk Attention (or, on a GPU, without a known device size).
 */
public record DevicePlan(String target, String device, DeploymentSettings settings, WeightFootprint weights,
                         MemoryBudget budget, String activationHow, KvFootprint kv, KvCapacity capacity,
                         DcaBuffers dcaBuffers, DcaCheck dca, List<WhatIfRow> whatIf, List<String> notes) {

    public DevicePlan {
        whatIf = List.copyOf(whatIf);
        notes = List.copyOf(notes);
    }
}
