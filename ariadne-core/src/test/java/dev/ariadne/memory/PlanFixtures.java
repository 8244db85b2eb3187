package dev.ariadne.memory;

import dev.ariadne.testing.SharedKit;

/** Models and inputs the planner tests share: the seeds' deployments. */
final class PlanFixtures {
    private PlanFixtures() {
    }

    static PlannedModel config(String folder) {
        return PlannedModel.load(SharedKit.file("configs/" + folder + "/config.json"));
    }

    static long gib(String text) {
        return ByteSize.parse(text);
    }

    /** The seeds' Qwen3-30B-A3B deployment: 4 ranks, fp16, block 32. */
    static PlanInputs.Builder qwen3MoeSeed() {
        return PlanInputs.builder().tensorParallel(4).dtype(WeightDtype.HALF).blockSize(32);
    }

    static DevicePlan gpu(PlannedModel source, PlanInputs in) {
        return MemoryPlanner.gpu(source, MemoryPlanner.effectiveShape(source, in), in);
    }
}
