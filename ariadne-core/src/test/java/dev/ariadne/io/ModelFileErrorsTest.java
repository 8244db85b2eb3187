package dev.ariadne.io;

import dev.ariadne.config.EngineConfig;
import dev.ariadne.engine.LLM;
import dev.ariadne.io.gguf.GGUFValueType;
import dev.ariadne.tensor.GGMLType;
import dev.ariadne.testing.GGUFWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad model files fail with a message naming the file, the tensor and what was expected. */
class ModelFileErrorsTest {
    @TempDir
    Path tmp;

    /** A tiny llama GGUF: hidden 32, 1 layer, 2 heads, FFN 64, vocab 16; {@code override} may change pieces. */
    private GGUFWriter tinyLlama(String arch, int qRows, GGMLType qType) {
        GGUFWriter w = new GGUFWriter()
                .kv("general.architecture", GGUFValueType.STRING, arch)
                .kv(arch + ".block_count", GGUFValueType.UINT32, 1)
                .kv(arch + ".context_length", GGUFValueType.UINT32, 64)
                .kv(arch + ".embedding_length", GGUFValueType.UINT32, 32)
                .kv(arch + ".feed_forward_length", GGUFValueType.UINT32, 64)
                .kv(arch + ".attention.head_count", GGUFValueType.UINT32, 2)
                .kv(arch + ".attention.head_count_kv", GGUFValueType.UINT32, 2)
                .kv(arch + ".attention.layer_norm_rms_epsilon", GGUFValueType.FLOAT32, 1e-5f);
        w.f32Tensor("token_embd.weight", new float[32 * 16], 32, 16);
        w.f32Tensor("output_norm.weight", ones(32), 32);
        w.f32Tensor("blk.0.attn_norm.weight", ones(32), 32);
        w.f32Tensor("blk.0.ffn_norm.weight", ones(32), 32);
        if (qType == GGMLType.F32) {
            w.f32Tensor("blk.0.attn_q.weight", new float[32 * qRows], 32, qRows);
        } else {
            w.tensor("blk.0.attn_q.weight", qType, new byte[(int) qType.bytesFor(32L * qRows)], 32, qRows);
        }
        w.f32Tensor("blk.0.attn_k.weight", new float[32 * 32], 32, 32);
        w.f32Tensor("blk.0.attn_v.weight", new float[32 * 32], 32, 32);
        w.f32Tensor("blk.0.attn_output.weight", new float[32 * 32], 32, 32);
        w.f32Tensor("blk.0.ffn_gate.weight", new float[32 * 64], 32, 64);
        w.f32Tensor("blk.0.ffn_up.weight", new float[32 * 64], 32, 64);
        w.f32Tensor("blk.0.ffn_down.weight", new float[64 * 32], 64, 32);
        return w;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    private LLM load(Path p) {
        return LLM.load(EngineConfig.defaults(p).withThreads(1));
    }

    @Test
    void aWellFormedTinyModelLoadsAndRuns() {
        Path p = tinyLlama("llama", 32, GGMLType.F32).write(tmp.resolve("ok.gguf"));
        try (LLM llm = load(p)) {
            assertEquals(16, llm.modelConfig().vocabSize());
            assertEquals(3, llm.generate(new int[] {1, 2}, dev.ariadne.sample.SamplingParams.greedy(3),
                    dev.ariadne.engine.TokenSink.NONE).outputIds().length);
        }
    }

    @Test
    void unknownArchitecture() {
        Path p = tinyLlama("mamba", 32, GGMLType.F32).write(tmp.resolve("mamba.gguf"));
        var e = assertThrows(ModelFileException.class, () -> load(p));
        assertTrue(e.getMessage().contains("mamba.gguf") && e.getMessage().contains("unknown architecture 'mamba'"),
                e.getMessage());
    }

    @Test
    void shapeMismatchNamesTheTensorAndTheExpectedShape() {
        Path p = tinyLlama("llama", 48, GGMLType.F32).write(tmp.resolve("shape.gguf"));
        var e = assertThrows(ModelFileException.class, () -> load(p));
        assertTrue(e.getMessage().contains("shape.gguf") && e.getMessage().contains("'blk.0.attn_q.weight'")
                && e.getMessage().contains("[32, 48]") && e.getMessage().contains("expected [32, 32]"), e.getMessage());
    }

    @Test
    void unsupportedWeightTypeNamesTheTensorAndType() {
        Path p = tinyLlama("llama", 32, GGMLType.Q4_1).write(tmp.resolve("q41.gguf"));
        var e = assertThrows(ModelFileException.class, () -> load(p));
        assertTrue(e.getMessage().contains("'blk.0.attn_q.weight'") && e.getMessage().contains("Q4_1")
                && e.getMessage().contains("not supported"), e.getMessage());
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        byte[] ok = tinyLlama("llama", 32, GGMLType.F32).bytes();
        // Rename one tensor in place (same length) so the file is well-formed but lacks ffn_up.
        String s = new String(ok, StandardCharsets.ISO_8859_1).replace("blk.0.ffn_up.weight", "blk.0.ffn_xx.weight");
        Path p = tmp.resolve("missing.gguf");
        Files.write(p, s.getBytes(StandardCharsets.ISO_8859_1));
        var e = assertThrows(ModelFileException.class, () -> load(p));
        assertTrue(e.getMessage().contains("missing tensor 'blk.0.ffn_up.weight'"), e.getMessage());
    }

    @Test
    void huggingFaceBadJsonAndTruncatedSafetensors() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("hf"));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\", \"hidden_size\": 32,");
        var e = assertThrows(ModelFileException.class, () -> load(dir));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("bad JSON"), e.getMessage());

        Files.writeString(dir.resolve("config.json"), """
                {"model_type": "llama", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1,
                 "num_attention_heads": 2, "vocab_size": 16, "max_position_embeddings": 64}""");
        String header = "{\"model.embed_tokens.weight\":{\"dtype\":\"F32\",\"shape\":[16,32],"
                + "\"data_offsets\":[0,2048]}}";
        ByteBuffer bb = ByteBuffer.allocate(8 + header.length() + 100).order(ByteOrder.LITTLE_ENDIAN);
        bb.putLong(header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        Files.write(dir.resolve("model.safetensors"), bb.array());
        e = assertThrows(ModelFileException.class, () -> load(dir));
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("truncated")
                && e.getMessage().contains("'model.embed_tokens.weight'"), e.getMessage());

        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt_neox\"}");
        e = assertThrows(ModelFileException.class, () -> load(dir));
        assertTrue(e.getMessage().contains("unknown architecture model_type 'gpt_neox'"), e.getMessage());
    }

    @Test
    void nonexistentPath() {
        var e = assertThrows(ModelFileException.class, () -> load(tmp.resolve("nope.gguf")));
        assertTrue(e.getMessage().contains("nope.gguf") && e.getMessage().contains("no such file"), e.getMessage());
    }
}
