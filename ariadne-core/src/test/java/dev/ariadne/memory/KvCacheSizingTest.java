package dev.ariadne.memory;

import dev.ariadne.kv.KvCacheDType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.ariadne.memory.KvCacheBudgetInputs.NOT_GIVEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's start-up KV sizing: vLLM's budget, blocks, concurrency, override and refusal to start. */
class KvCacheSizingTest {
    private static final HostMemory HOST_16G = new HostMemory(16L << 30, 0, null);

    /** Qwen3-30B-A3B at tensor parallel 4 (1 KV head per rank), fp16, block 32, with a given KV budget. */
    private static KvCacheSizing seed(String kvMemory, int maxModelLen) {
        return KvCacheSizing.compute(new KvCacheBudgetInputs(ByteSize.parse("14.25GiB"), ByteSize.parse("1.40GiB"),
                ByteSize.parse("0.20GiB"), new HostMemory(ByteSize.parse("21.66GiB"), 0, null), 0.93,
                ByteSize.parse(kvMemory), NOT_GIVEN, 32, maxModelLen, 48, 1, 128, KvCacheDType.FP16));
    }

    /** Qwen3-0.6B: 28 layers, 8 KV heads x 128, f16, block 32, sized from {@code host} at utilization 0.9. */
    private static KvCacheBudgetInputs qwen3(HostMemory host, long weights, int maxModelLen, int override) {
        return new KvCacheBudgetInputs(weights, 50L << 20, 300L << 20, host, 0.9, NOT_GIVEN, override, 32,
                maxModelLen, 28, 8, 128, KvCacheDType.FP16);
    }

    @Test
    void theSeeds4_30GiBGive5870Blocks187840TokensAnd5_73xAt32768() {
        KvCacheSizing s = seed("4.30GiB", 32_768);
        assertEquals(24_576, s.kv().bytesPerToken());
        assertEquals(5_870, s.numBlocks());
        assertEquals(187_840, s.tokens());
        assertEquals(5.73, s.maxConcurrency(), 0.005);
        assertTrue(s.startupLines().contains("KV cache size: 187,840 tokens (5,870 blocks of 32)"),
                s.startupLines().toString());
        assertTrue(s.startupLines().contains("Maximum concurrency for 32,768 tokens per request: 5.73x"),
                s.startupLines().toString());
        assertTrue(s.startupLines().contains("Available KV cache memory: 4.30GiB (given by --kv-cache-memory)"),
                s.startupLines().toString());
        assertTrue(s.startupLines().contains("KV per token: 24KiB = 1 KV head x 2 (K,V) x 128 x 2 B x 48 layers;"
                + " block of 32 tokens 768KiB (page 16KiB per layer)"), s.startupLines().toString());
        assertTrue(s.fitsOneRequest());
        s.requireFitsOneRequest();
    }

    @Test
    void theSeeds4_07GiBAt131072Give5556BlocksAnd1_36x() {
        KvCacheSizing s = seed("4.07GiB", 131_072);
        assertEquals(5_556, s.numBlocks());
        assertEquals(4_096, s.blocksPerRequest());
        assertEquals(1.36, s.maxConcurrency(), 0.005);
        assertTrue(s.startupLines().contains("Maximum concurrency for 131,072 tokens per request: 1.36x"),
                s.startupLines().toString());
    }

    @Test
    void qwen3_0_6BBlocksAreTheBudgetOverPageOverLayers() {
        for (int maxLen : new int[] {32_768, 131_072}) {
            KvCacheSizing s = KvCacheSizing.compute(qwen3(HOST_16G, 1_503_238_144L, maxLen, NOT_GIVEN));
            assertEquals(112 * 1024, s.kv().bytesPerToken());
            long page = 2L * 32 * 8 * 128 * 2;
            long budget = (long) Math.floor((16L << 30) * 0.9 - 1_503_238_144L - (50L << 20) - (300L << 20));
            assertEquals(budget, s.availableKvBytes());
            long blocks = budget / page / 28;
            assertEquals(blocks, s.numBlocks(), "max-model-len " + maxLen);
            assertEquals(blocks * 32, s.tokens());
            assertEquals(blocks / (double) (maxLen / 32), s.maxConcurrency(), 1e-12);
            assertEquals(blocks * 32, s.largestMaxModelLen());
            assertEquals(s.numBlocks() * page * 28, s.kvCacheBytes());
        }
    }

    @Test
    void theBudgetIsTheLimitTimesUtilizationLessWeightsActivationAndOther() {
        HostMemory cgroup = new HostMemory(64L << 30, 8L << 30, "/sys/fs/cgroup/memory.max");
        KvCacheSizing s = KvCacheSizing.compute(new KvCacheBudgetInputs(1L << 30, 256L << 20, 512L << 20, cgroup,
                0.75, NOT_GIVEN, NOT_GIVEN, 16, 4_096, 28, 8, 128, KvCacheDType.FP32));
        long expected = (6L << 30) - (1L << 30) - (256L << 20) - (512L << 20); // 8 GiB x 0.75 is exact
        assertEquals(expected, s.availableKvBytes());
        assertEquals(expected / (2L * 16 * 8 * 128 * 4) / 28, s.numBlocks());
        List<String> lines = s.startupLines();
        assertEquals("Memory: 8.00GiB (cgroup limit /sys/fs/cgroup/memory.max) x utilization 0.75 = 6.00GiB",
                lines.get(0));
        assertEquals("Weights 1.00GiB (loaded); activation peak 0.25GiB (profiled); other 0.50GiB (measured)",
                lines.get(1));
        assertEquals("Available KV cache memory: 4.25GiB (memory x utilization - weights - activation - other)",
                lines.get(2));
        assertTrue(lines.get(3).startsWith("KV per token: 224KiB = 8 KV heads x 2 (K,V) x 128 x 4 B x 28 layers"),
                lines.get(3));
    }

    @Test
    void anOverrideSetsTheBlocksWhateverTheBudget() {
        KvCacheSizing s = KvCacheSizing.compute(qwen3(HOST_16G, 1L << 30, 2_048, 100));
        assertEquals(100, s.numBlocks());
        assertTrue(s.memoryBlocks() > 100, "budget blocks " + s.memoryBlocks());
        assertEquals(3_200, s.tokens());
        assertEquals(100 / 64.0, s.maxConcurrency(), 1e-12);
        assertEquals(100L * 32 * 112 * 1024, s.kvCacheBytes());
        assertTrue(s.startupLines().contains("Overriding num_blocks=" + ByteSize.count(s.memoryBlocks())
                + " with --num-gpu-blocks-override 100 (0.34GiB of KV cache)"), s.startupLines().toString());
        s.requireFitsOneRequest();

        KvCacheSizing tooFew = KvCacheSizing.compute(qwen3(HOST_16G, 1L << 30, 4_096, 100));
        assertFalse(tooFew.fitsOneRequest());
        InsufficientKvCacheException e = assertThrows(InsufficientKvCacheException.class,
                tooFew::requireFitsOneRequest);
        assertEquals(3_200, e.largestMaxModelLen());
        assertTrue(e.getMessage().contains("The largest max model length these blocks serve is 3200."),
                e.getMessage());
    }

    @Test
    void aRequestThatDoesNotFitNamesTheLargestMaxModelLen() {
        // 2 GiB of memory x 0.9, minus 1 GiB of weights and 350 MiB: 469 MiB = 134 blocks of 32 tokens x 112 KiB
        KvCacheSizing s = KvCacheSizing.compute(qwen3(new HostMemory(2L << 30, 0, null), 1L << 30, 262_144,
                NOT_GIVEN));
        assertFalse(s.fitsOneRequest());
        long largest = s.numBlocks() * 32L;
        assertEquals(largest, s.largestMaxModelLen());
        assertTrue(largest > 0 && largest < 262_144, "largest " + largest);
        InsufficientKvCacheException e = assertThrows(InsufficientKvCacheException.class, s::requireFitsOneRequest);
        assertEquals(largest, e.largestMaxModelLen());
        String m = e.getMessage();
        assertTrue(m.startsWith("To serve at least one request with the model's max seq len (262144), (28.00GiB KV"
                + " cache is needed, which is larger than the available KV cache memory ("), m);
        assertTrue(m.contains("the estimated maximum model length is " + largest + "."), m);
        assertTrue(m.contains("decreasing --max-model-len"), m);

        // the largest length it names does fit
        KvCacheSizing atLargest = KvCacheSizing.compute(qwen3(new HostMemory(2L << 30, 0, null), 1L << 30,
                (int) largest, NOT_GIVEN));
        assertTrue(atLargest.fitsOneRequest());
        atLargest.requireFitsOneRequest();
    }

    @Test
    void weightsLargerThanMemoryGiveAClearErrorNotNegativeBlocks() {
        KvCacheSizing s = KvCacheSizing.compute(qwen3(new HostMemory(4L << 30, 0, null), 5L << 30, 32_768,
                NOT_GIVEN));
        assertTrue(s.availableKvBytes() < 0);
        assertEquals(0, s.numBlocks());
        assertEquals(0, s.tokens());
        assertFalse(s.fitsOneRequest());
        assertTrue(s.startupLines().stream().anyMatch(l -> l.startsWith("Available KV cache memory: none, short by ")),
                s.startupLines().toString());
        InsufficientKvCacheException e = assertThrows(InsufficientKvCacheException.class, s::requireFitsOneRequest);
        assertEquals(0, e.largestMaxModelLen());
        String m = e.getMessage();
        assertTrue(m.startsWith("No available memory for the KV cache blocks: weights 5.00GiB + activation peak"), m);
        assertTrue(m.contains("exceed memory 4.00GiB (physical memory) x utilization 0.90 = 3.60GiB by 1.74GiB"), m);
        assertTrue(m.contains("even 1.00 is too little"), m);
        assertFalse(m.matches("(?s).*-\\d.*"), m); // no negative figure
    }

    @Test
    void theUtilizationHintIsEnoughForOneRequest() {
        // 16 GiB at 0.2: 3.2 GiB less 1.35 GiB leaves too little for 131,072 tokens (14 GiB); the hint says what does
        KvCacheBudgetInputs in = new KvCacheBudgetInputs(1L << 30, 50L << 20, 300L << 20, HOST_16G, 0.2, NOT_GIVEN,
                NOT_GIVEN, 32, 131_072, 28, 8, 128, KvCacheDType.FP16);
        String m = assertThrows(InsufficientKvCacheException.class,
                () -> KvCacheSizing.compute(in).requireFitsOneRequest()).getMessage();
        java.util.regex.Matcher hint = java.util.regex.Pattern.compile("\\((\\d\\.\\d\\d) would fit one request\\)")
                .matcher(m);
        assertTrue(hint.find(), m);
        double u = Double.parseDouble(hint.group(1));
        KvCacheBudgetInputs raised = new KvCacheBudgetInputs(1L << 30, 50L << 20, 300L << 20, HOST_16G, u, NOT_GIVEN,
                NOT_GIVEN, 32, 131_072, 28, 8, 128, KvCacheDType.FP16);
        assertTrue(KvCacheSizing.compute(raised).fitsOneRequest(), "utilization " + u);
        KvCacheBudgetInputs justBelow = new KvCacheBudgetInputs(1L << 30, 50L << 20, 300L << 20, HOST_16G, u - 0.01,
                NOT_GIVEN, NOT_GIVEN, 32, 131_072, 28, 8, 128, KvCacheDType.FP16);
        assertFalse(KvCacheSizing.compute(justBelow).fitsOneRequest(), "utilization " + (u - 0.01));
    }

    @Test
    void theEnginesPagesAreThePlannersPages() {
        for (KvCacheDType t : KvCacheDType.values()) {
            KvCacheSizing s = KvCacheSizing.compute(new KvCacheBudgetInputs(1, 1, 1, HOST_16G, 0.9, 1L << 30,
                    NOT_GIVEN, 16, 1_024, 2, 2, 64, t));
            assertEquals(dev.ariadne.kv.PagedKvStorage.bytesPerBlock(2, 2, 64, 16, t), s.kv().blockBytes(16),
                    t.label);
        }
    }

    @Test
    void nonsenseInputsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new KvCacheBudgetInputs(1, 1, 1, HOST_16G, 1.5, NOT_GIVEN,
                NOT_GIVEN, 32, 1_024, 28, 8, 128, KvCacheDType.FP16));
        assertThrows(IllegalArgumentException.class, () -> new KvCacheBudgetInputs(1, 1, 1, HOST_16G, 0.9, -2,
                NOT_GIVEN, 32, 1_024, 28, 8, 128, KvCacheDType.FP16));
        assertThrows(IllegalArgumentException.class, () -> new KvCacheBudgetInputs(1, 1, 1, HOST_16G, 0.9, NOT_GIVEN,
                0, 32, 1_024, 28, 8, 128, KvCacheDType.FP16));
        assertThrows(IllegalArgumentException.class, () -> new KvCacheBudgetInputs(-1, 1, 1, HOST_16G, 0.9, NOT_GIVEN,
                NOT_GIVEN, 32, 1_024, 28, 8, 128, KvCacheDType.FP16));
    }
}
