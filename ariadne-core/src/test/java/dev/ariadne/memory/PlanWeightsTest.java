package dev.ariadne.memory;

import dev.ariadne.config.MlaConfig;
import dev.ariadne.kv.KvCacheDType;

import dev.ariadne.io.gguf.GGUFFile;
import dev.ariadne.json.Json;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.ariadne.memory.PlanFixtures.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parameter counts and weight bytes from config.json, checked against real checkpoints and GGUF tensor tables. */
class PlanWeightsTest {

    @Test
    void configCountsEqualTheTinyCheckpointsSafetensors() throws IOException {
        for (String m : List.of("llama", "qwen2", "qwen3", "qwen3moe")) {
            Path dir = SharedKit.file("models/hf/" + m);
            PlannedModel src = PlannedModel.load(dir);
            long fromConfig = new WeightFootprint("", 1, ConfigTensors.of(src.shape(), WeightDtype.BF16)).parameters();
            assertEquals(safetensorsElements(dir.resolve("model.safetensors")), fromConfig, m);
        }
    }

    @Test
    void ggufTensorsCountTheSameParametersAsTheMatchingConfig() {
        PlannedModel gguf = PlannedModel.load(SharedKit.file("models/qwen3moe/qwen3moe-BF16.gguf"));
        PlannedModel hf = PlannedModel.load(SharedKit.file("models/hf/qwen3moe"));
        long fromGguf = new WeightFootprint("", 1, gguf.ggufTensors()).parameters();
        long fromConfig = new WeightFootprint("", 1, ConfigTensors.of(hf.shape(), WeightDtype.BF16)).parameters();
        assertEquals(fromConfig, fromGguf);
        assertEquals(hf.shape().attention().kvHeads(), gguf.shape().attention().kvHeads());
        assertEquals(KvFootprint.of(hf.shape(), 1, KvCacheDType.FP16).bytesPerToken(),
                KvFootprint.of(gguf.shape(), 1, KvCacheDType.FP16).bytesPerToken());
    }

    @Test
    void ggufWeightsPerRankUseTheFilesOwnTensorSizes() {
        Path file = SharedKit.file("models/qwen3moe/qwen3moe-Q8_0.gguf");
        PlannedModel gguf = PlannedModel.load(file);
        long stored;
        try (GGUFFile g = GGUFFile.open(file)) {
            stored = g.tensorList().stream().mapToLong(t -> t.byteSize()).sum();
        }
        assertEquals(stored, new WeightFootprint("", 1, gguf.ggufTensors()).bytesPerRank());
        // two ranks: 2 KV heads split, embeddings split by vocabulary, norms and router kept whole
        WeightFootprint two = new WeightFootprint("", 2, gguf.ggufTensors());
        assertTrue(two.bytesPerRank() > stored / 2 && two.bytesPerRank() < stored / 2 + 64 * 1024,
                two.bytesPerRank() + " of " + stored);
    }

    @Test
    void mlaModelsCountTheirLatentProjections() {
        PlannedModel gguf = PlannedModel.load(SharedKit.file("models/deepseek2/deepseek2-BF16.gguf"));
        MlaConfig mla = gguf.shape().attention().mla();
        assertEquals(128, mla.kvLoraRank());
        assertEquals(32, mla.qkRopeHeadDim());
        assertEquals(3 * (128 + 32) * 2, KvFootprint.of(gguf.shape(), 1, KvCacheDType.FP16).bytesPerToken());
        // DeepSeek-V3 from its config: about 671B parameters (without the multi-token-prediction layer)
        long v3 = new WeightFootprint("", 1, ConfigTensors.of(config("DeepSeek-V3").shape(), WeightDtype.BF16))
                .parameters();
        assertEquals(671e9, v3, 2e9);
    }

    @Test
    void tiedEmbeddingsAreCountedOnce() {
        ModelShape small = config("Qwen2.5-0.5B-Instruct").shape();
        assertTrue(small.tiedEmbeddings());
        long params = new WeightFootprint("", 1, ConfigTensors.of(small, WeightDtype.BF16)).parameters();
        assertEquals(494_032_768L, params);
        ModelShape qwen3 = config("Qwen3-0.6B").shape();
        assertEquals(596_049_920L, new WeightFootprint("", 1, ConfigTensors.of(qwen3, WeightDtype.BF16)).parameters());
    }

    @Test
    void tensorParallelSplitsVocabAttentionAndMlpButReplicatesNormsAndFewKvHeads() {
        ModelShape m = config("Qwen3-30B-A3B").shape();
        WeightFootprint one = new WeightFootprint("", 1, ConfigTensors.of(m, WeightDtype.HALF));
        WeightFootprint eight = one.withTensorParallel(8);
        // 4 KV heads over 8 ranks: each rank keeps one head of k_proj/v_proj, i.e. twice its 1/8 share
        assertEquals(one.kvProjectionBytesPerRank() / 4, eight.kvProjectionBytesPerRank());
        assertEquals(one.replicatedBytesPerRank(), eight.replicatedBytesPerRank());
        assertTrue(eight.bytesPerRank() > one.bytesPerRank() / 8);
        assertNull(m.dca());
    }

    @Test
    void quantizedWeightTypesCostTheirBlockBytes() {
        ModelShape m = config("Qwen3-8B").shape();
        long half = new WeightFootprint("", 1, ConfigTensors.of(m, WeightDtype.HALF)).bytesPerRank();
        long q8 = new WeightFootprint("", 1, ConfigTensors.of(m, WeightDtype.Q8_0)).bytesPerRank();
        long q4 = new WeightFootprint("", 1, ConfigTensors.of(m, WeightDtype.Q4_0)).bytesPerRank();
        long fp8 = new WeightFootprint("", 1, ConfigTensors.of(m, WeightDtype.FP8)).bytesPerRank();
        assertEquals(34.0 / 64, q8 / (double) half, 0.001);
        assertEquals(18.0 / 64, q4 / (double) half, 0.001);
        assertTrue(fp8 > half / 2 && fp8 < half * 0.6, "fp8 keeps embeddings and lm_head in 16 bits");
    }

    /** Total elements of a safetensors file, from its JSON header. */
    private static long safetensorsElements(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(len, 0);
            ByteBuffer header = ByteBuffer.allocate((int) len.flip().getLong());
            ch.read(header, 8);
            Map<String, Object> tensors = Json.parseObject(new String(header.array(), StandardCharsets.UTF_8));
            long total = 0;
            for (var e : tensors.entrySet()) {
                if (e.getKey().equals("__metadata__")) continue;
                @SuppressWarnings("unchecked")
                List<Object> shape = (List<Object>) ((Map<String, Object>) e.getValue()).get("shape");
                long n = 1;
                for (Object d : shape) n *= ((Number) d).longValue();
                total += n;
            }
            return total;
        }
    }
}
