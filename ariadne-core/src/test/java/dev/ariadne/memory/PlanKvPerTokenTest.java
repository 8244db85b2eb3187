package dev.ariadne.memory;

import dev.ariadne.kv.KvCacheDType;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static dev.ariadne.memory.PlanFixtures.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** KV bytes per token: the table in LONG-CONTEXT.md section 1 (fp16, one rank), and the quantized formats. */
class PlanKvPerTokenTest {

    @ParameterizedTest(name = "{0}: {1} B = {2}")
    @CsvSource({
            "Qwen2.5-0.5B-Instruct,    12288, 12KiB",
            "Qwen3-0.6B,              114688, 112KiB",
            "Qwen2.5-7B-Instruct-1M,   57344, 56KiB",
            "Qwen2.5-14B-Instruct-1M, 196608, 192KiB",
            "Qwen3-30B-A3B,            98304, 96KiB",
            "DeepSeek-V3,              70272, 68.63KiB",
    })
    void fp16OnOneRankMatchesTheLongContextTable(String model, long bytes, String printed) {
        KvFootprint kv = KvFootprint.of(config(model).shape(), 1, KvCacheDType.FP16);
        assertEquals(bytes, kv.bytesPerToken());
        assertEquals(printed, ByteSize.human(kv.bytesPerToken()));
    }

    @Test
    void deepSeekV3CachesOne576ValueLatentPer61LayersOnEveryRank() {
        ModelShape v3 = config("DeepSeek-V3").shape();
        KvFootprint kv = KvFootprint.of(v3, 8, KvCacheDType.FP16);
        assertEquals(576 * 61 * 2, kv.bytesPerToken(), "MLA's latent is not split over ranks");
        assertEquals(68.6, kv.bytesPerToken() / 1024.0, 0.05);
    }

    @Test
    void kvHeadsSplitOverRanksAndReplicateWhenFewerThanRanks() {
        ModelShape qwen3 = config("Qwen3-30B-A3B").shape(); // 4 KV heads
        assertEquals(48 * 2 * 128 * 2 * 2, KvFootprint.of(qwen3, 2, KvCacheDType.FP16).bytesPerToken());
        assertEquals(24_576, KvFootprint.of(qwen3, 4, KvCacheDType.FP16).bytesPerToken());
        assertEquals(24_576, KvFootprint.of(qwen3, 8, KvCacheDType.FP16).bytesPerToken(), "1 head per rank at tp 8");
    }

    @Test
    void quantizedKvCostsItsBlockBytesAndScales() {
        ModelShape qwen3 = config("Qwen3-30B-A3B").shape();
        // one rank holds 1 KV head of 128 values, K and V, 48 layers
        assertEquals(48 * 2 * (128 + 4), KvFootprint.of(qwen3, 4, KvCacheDType.FP8).bytesPerToken());
        assertEquals(48 * 2 * (128 + 4), KvFootprint.of(qwen3, 4, KvCacheDType.INT8).bytesPerToken());
        assertEquals(48 * 2 * (128 / 32 * 34), KvFootprint.of(qwen3, 4, KvCacheDType.Q8_0).bytesPerToken());
        assertEquals(48 * 2 * (128 / 32 * 18), KvFootprint.of(qwen3, 4, KvCacheDType.Q4_0).bytesPerToken());
        assertEquals(1.0625, KvCacheDType.Q8_0.bytesPerValue(128));
        assertEquals(0.5625, KvCacheDType.Q4_0.bytesPerValue(128));
        ModelShape v3 = config("DeepSeek-V3").shape();
        assertEquals(61 * (576 / 32 * 34), KvFootprint.of(v3, 1, KvCacheDType.Q8_0).bytesPerToken());
    }

    @Test
    void aBlockFormatRejectsVectorsThatDoNotDivideIntoBlocks() {
        assertThrows(IllegalArgumentException.class, () -> KvCacheDType.Q4_0.vectorBytes(80));
    }

    @Test
    void dtypeSpellingsOfVllmAndLlamaCpp() {
        assertEquals(KvCacheDType.FP16, KvCacheDType.parse("half"));
        assertEquals(KvCacheDType.FP8, KvCacheDType.parse("fp8_e4m3"));
        assertEquals(KvCacheDType.Q8_0, KvCacheDType.parse("Q8_0"));
        assertThrows(IllegalArgumentException.class, () -> KvCacheDType.parse("int4"));
    }
}
