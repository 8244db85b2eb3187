package dev.ariadne.memory;

import org.junit.jupiter.api.Test;

import static dev.ariadne.memory.PlanFixtures.config;
import static dev.ariadne.memory.PlanFixtures.gib;
import static dev.ariadne.memory.PlanFixtures.gpu;
import static dev.ariadne.memory.PlanFixtures.qwen3MoeSeed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seeds' Qwen3-30B-A3B on 4 x 21.66 GiB GPUs (vLLM 0.8.5 logs), the acceptance figures of issue 7. */
class PlanSeedQwen3MoeTest {
    private final PlannedModel model = config("Qwen3-30B-A3B");

    @Test
    void weightsPerRankFromTheConfigAloneAreWithinHalfAPercentOfTheSeeds14_25GiB() {
        DevicePlan p = gpu(model, qwen3MoeSeed().maxModelLen(32_768).build());
        double perRank = p.weights().bytesPerRank() / (double) ByteSize.GiB;
        assertEquals(14.25, perRank, 14.25 * 0.005, "weights per rank " + perRank + " GiB");
        // ~30.5B parameters in all (LONG-CONTEXT.md section 1)
        assertEquals(30.53e9, p.weights().parameters(), 0.01e9);
        assertEquals("14.25GiB", ByteSize.gib(p.weights().bytesPerRank()));
    }

    @Test
    void yarnX4GrowsTheRotaryCacheTo131072PositionsAsTheSeeds14_27GiB() {
        DevicePlan p = gpu(model, qwen3MoeSeed().maxModelLen(131_072)
                .ropeScaling(RopeScaling.parse("{\"rope_type\":\"yarn\",\"factor\":4.0,"
                        + "\"original_max_position_embeddings\":32768}").orElseThrow()).build());
        assertEquals("14.27GiB", ByteSize.gib(p.weights().bytesPerRank()));
        assertTrue(p.notes().stream().noneMatch(n -> n.contains("beyond")), p.notes().toString());
    }

    @Test
    void theSeedsMeasuredKvBudgetGives5870Blocks187840TokensAnd5_73x() {
        DevicePlan p = gpu(model, qwen3MoeSeed().maxModelLen(32_768).kvCacheMemory(gib("4.30GiB")).build());
        KvCapacity c = p.capacity();
        assertEquals(24_576, p.kv().bytesPerToken());
        assertEquals(5_870, c.numBlocks());
        assertEquals(187_840, c.tokens());
        assertEquals("Maximum concurrency for 32,768 tokens per request: 5.73x", c.concurrencyLine());
        assertTrue(PlanReport.budgetLines(p).contains("KV cache size: 187,840 tokens (5,870 blocks of 32)"),
                PlanReport.budgetLines(p).toString());
    }

    @Test
    void theSeedsBreakdownGives4_29GiBOfKvAnd5_72x() {
        DevicePlan p = gpu(model, qwen3MoeSeed().maxModelLen(32_768).deviceMemory(gib("21.66GiB")).utilization(0.93)
                .weightsMemory(gib("14.25GiB")).otherMemory(gib("0.20GiB")).activationMemory(gib("1.40GiB")).build());
        assertEquals("4.29GiB", ByteSize.gib(p.budget().smallest().kv().bytes()));
        assertEquals("20.14GiB", ByteSize.gib(p.budget().smallest().requested()));
        assertEquals(5_862, p.capacity().numBlocks());
        assertEquals("Maximum concurrency for 32,768 tokens per request: 5.72x", p.capacity().concurrencyLine());
        assertEquals(4, p.budget().ranks().size());
    }

    @Test
    void at131072Tokens4_07GiBGives1_36xAndExplainsTheSeeds1_21x() {
        DevicePlan p = gpu(model, qwen3MoeSeed().maxModelLen(131_072).kvCacheMemory(gib("4.07GiB")).build());
        KvCapacity c = p.capacity();
        assertEquals(5_556, c.numBlocks());
        assertEquals("Maximum concurrency for 131,072 tokens per request: 1.36x", c.concurrencyLine());
        String why = c.explainObserved(1.21);
        assertTrue(why.contains("would need about 3.63GiB of KV cache on the smallest rank"), why);
        assertTrue(why.contains("about 0.44GiB less free memory"), why);
        assertTrue(c.perRequestLine().contains("c x 3.00GiB"), c.perRequestLine());
    }

    @Test
    void unevenRanksUseTheSmallestRanksBlocks() {
        long full = gib("4.07GiB");
        long short_ = gib("3.63GiB");
        DevicePlan p = gpu(model, qwen3MoeSeed().maxModelLen(131_072).kvCacheMemory(full, full, short_, full).build());
        assertEquals(2, p.budget().smallest().rank());
        assertEquals("Maximum concurrency for 131,072 tokens per request: 1.21x", p.capacity().concurrencyLine());
        assertTrue(p.notes().stream().anyMatch(n -> n.startsWith("ranks differ: every rank uses rank 2's")),
                p.notes().toString());
    }

    @Test
    void theActivationEstimateIsCloseToTheSeedsMeasured1_40GiBAndSaysHow() {
        DevicePlan p = gpu(model, qwen3MoeSeed().maxModelLen(32_768).maxNumBatchedTokens(4096).build());
        double est = p.budget().activation().bytes() / (double) ByteSize.GiB;
        assertEquals(1.40, est, 0.10, "estimated activation peak " + est + " GiB");
        assertEquals("estimated", p.budget().activation().origin());
        assertTrue(p.activationHow().contains("sampler over 256 sequences x 151,936 vocabulary x 39 B"),
                p.activationHow());
    }
}
