package dev.ariadne.memory;

import dev.ariadne.kv.KvCacheDType;

import org.junit.jupiter.api.Test;

import static dev.ariadne.memory.PlanFixtures.config;
import static dev.ariadne.memory.PlanFixtures.gib;
import static dev.ariadne.memory.PlanFixtures.gpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed's Qwen2.5-14B-Instruct-1M on 8 x 80 GiB at max-model-len 1,010,000 (OOM at 960K tokens, fixed by lowering
 * the utilization to 0.85), with Qwen's recommended 131,072 batched tokens for the 1M models.
 */
class PlanDualChunkTest {
    private final PlannedModel model = config("Qwen2.5-14B-Instruct-1M");

    private DevicePlan plan(double utilization) {
        return gpu(model, PlanInputs.builder().tensorParallel(8).deviceMemory(gib("80GiB")).utilization(utilization)
                .blockSize(16).maxModelLen(1_010_000).maxNumBatchedTokens(131_072).build());
    }

    @Test
    void kvPerTokenIs192KiBInAllAnd24KiBPerRank() {
        assertEquals(192 * 1024, KvFootprint.of(model.shape(), 1, KvCacheDType.FP16).bytesPerToken());
        DevicePlan p = plan(0.85);
        assertEquals(24 * 1024, p.kv().bytesPerToken());
        assertEquals("24KiB", ByteSize.human(p.kv().bytesPerToken()));
        // the full cache of one 1,010,000-token request: 184.9 GiB over all ranks (LONG-CONTEXT.md section 3)
        assertEquals(184.9, 196_608L * 1_010_000 / (double) ByteSize.GiB, 0.05);
    }

    @Test
    void dcaBuffersFitOutsideTheBudgetAt0_85ButNotAt0_93() {
        DevicePlan at85 = plan(0.85);
        DevicePlan at93 = plan(0.93);
        assertNotNull(at85.dca());
        assertTrue(at85.dca().at(0.85).fits(), at85.dca().at(0.85).line());
        assertFalse(at93.dca().at(0.93).fits(), at93.dca().at(0.93).line());
        // both budgets still hold one full-length request: the KV cache is not what runs out
        assertTrue(at85.capacity().fitsOneRequest());
        assertTrue(at93.capacity().fitsOneRequest());
        assertTrue(at85.dca().maxUtilization() > 0.85 && at85.dca().maxUtilization() < 0.93,
                "max utilization " + at85.dca().maxUtilization());
        assertTrue(at85.dcaBuffers().how().contains("sparse"), at85.dcaBuffers().how());
    }

    @Test
    void vllmsWeightsIncludeDcasFiveRotaryTables() {
        // 4 query tables of chunk_len rows + one key table of max_position_embeddings rows, 128 wide, fp16
        long rows = 4L * (262_144 - 8_192) + 1_010_000;
        DevicePlan p = plan(0.85);
        assertEquals(rows * 128 * 2, p.weights().bufferBytesPerRank());
    }

    @Test
    void theCpuEngineCountsItsDcaWorkspaceInItsActivations() {
        DevicePlan cpu = MemoryPlanner.cpuEngine(model, model.shape(), PlanInputs.builder().build(),
                new HostMemory(64 * ByteSize.GiB, 0, null));
        assertNotNull(cpu.dcaBuffers());
        assertTrue(cpu.budget().activation().origin().contains("DCA"), cpu.budget().activation().origin());
        assertTrue(cpu.budget().activation().bytes() > cpu.dcaBuffers().bytes());
    }
}
