package dev.ariadne.model;

import dev.ariadne.config.EngineConfig;
import dev.ariadne.config.RopeStyle;
import dev.ariadne.config.RotaryScaling;
import dev.ariadne.engine.LLM;
import dev.ariadne.json.JsonObject;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.testing.Reference;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * YaRN against llama.cpp's run in the kit (reference README section 7): the qwen3 model with context 256 stretched
 * 4x, the 900-token prompt, logits at every position; from GGUF metadata and from a config.json rope_scaling.
 */
class YarnReferenceTest {

    private static Reference.Entry entry(String variant) {
        return Reference.entries().stream().filter(e -> e.prompt().equals("p900_yarn") && e.variant().equals(variant))
                .findFirst().orElseThrow();
    }

    @Test
    void yarnFromGgufMetadataMatchesLlamaCpp() {
        Reference.Entry e = entry("yarn_gguf_kv_f32");
        try (LLM llm = LLM.load(EngineConfig.defaults(SharedKit.file(e.model())).withThreads(2).withKvCacheDType("f32"),
                KernelProvider.best(), line -> { })) {
            assertEquals(RotaryScaling.Type.YARN, llm.modelConfig().ropeScaling().type());
            assertEquals(1024, llm.maxModelLen(), "the default max-model-len is what YaRN covers: 256 x 4");
            ReferenceLogitsTest.Diff d = ReferenceLogitsTest.compare(llm, e.promptIds(), e.logits());
            System.out.printf("yarn gguf kv f32: max |Δ| %.3g  mean |Δ| %.3g%n", d.max(), d.mean());
            assertTrue(d.max() <= 1e-3, "max |Δ| " + d.max() + " (mean " + d.mean() + ")");
        }
    }

    /** The start-up override (--rope-scaling) on the unscaled file: llama.cpp's yarn_cli run equals yarn_gguf. */
    @Test
    void yarnAsAStartUpOverrideMatchesLlamaCpp() {
        Reference.Entry e = entry("yarn_gguf_kv_f32");
        EngineConfig c = EngineConfig.defaults(SharedKit.file("models/qwen3/qwen3-F32.gguf")).withThreads(2)
                .withKvCacheDType("f32").withRopeScaling(RotaryScaling.yarn(4, 256));
        try (LLM llm = LLM.load(c, KernelProvider.best(), line -> { })) {
            assertEquals(1024, llm.maxModelLen());
            ReferenceLogitsTest.Diff d = ReferenceLogitsTest.compare(llm, e.promptIds(), e.logits());
            assertTrue(d.max() <= 1e-3, "max |Δ| " + d.max() + " (mean " + d.mean() + ")");
        }
    }

    @Test
    void yarnFromConfigJsonMatchesLlamaCpp(@TempDir Path dir) throws IOException {
        // The kit's HF qwen3 (BF16) with the rope_scaling the reference README gives for YaRN in HF form.
        Path hf = SharedKit.file("models/hf/qwen3");
        for (String f : new String[] {"model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "generation_config.json"}) {
            Files.createSymbolicLink(dir.resolve(f), hf.resolve(f));
        }
        String config = Files.readString(hf.resolve("config.json")).replace("\"rope_scaling\": null",
                "\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0,"
                        + " \"original_max_position_embeddings\": 256}");
        assertTrue(config.contains("yarn"), "the kit's config.json changed shape");
        Files.writeString(dir.resolve("config.json"), config);
        Reference.Entry e = entry("yarn_gguf_kv_f32");
        try (LLM llm = LLM.load(EngineConfig.defaults(dir).withThreads(2).withKvCacheDType("f32"),
                KernelProvider.best(), line -> { })) {
            ReferenceLogitsTest.Diff d = ReferenceLogitsTest.compare(llm, e.promptIds(), e.logits());
            System.out.printf("yarn hf bf16 kv f32: max |Δ| %.3g  mean |Δ| %.3g%n", d.max(), d.mean());
            // BF16 weights against the F32 master: 0.0096 measured over 900 positions (the unscaled HF test bounds
            // 300 positions by 0.01); without YaRN, top-1 agreement drops to 13% and the mean |Δ| is far above this.
            assertTrue(d.mean() <= 0.015, "mean |Δ| " + d.mean() + " (max " + d.max() + ")");
        }
    }

    @Test
    void beyondWhatTheScalingCoversNeedsTheLongFlag() {
        EngineConfig c = EngineConfig.defaults(SharedKit.file("models/qwen3/qwen3-yarn-F32.gguf")).withThreads(2)
                .withMaxModelLen(2048, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LLM.load(c, KernelProvider.best(), line -> { }).close());
        assertTrue(e.getMessage().contains("1024 tokens its rope scaling (yarn x4.0 from 256) covers"), e.getMessage());
    }

    /** The reference README's worked example: D 64, theta 1e6, L 256, s 4: pairs < 0 kept, >= 9 divided by 4. */
    @Test
    void yarnFrequenciesAndMagnitudeAsTheWorkedExamples() {
        RotaryEmbedding plain = new RotaryEmbedding(64, 1e6, RopeStyle.NEOX);
        RotaryEmbedding yarn = new RotaryEmbedding(64, 1e6, RopeStyle.NEOX, RotaryScaling.yarn(4, 256), 256);
        float[] c0 = new float[32], s0 = new float[32], c1 = new float[32], s1 = new float[32];
        plain.angles(1000, c0, s0, 0);
        yarn.angles(1000, c1, s1, 0);
        double mag = 1 + 0.1 * Math.log(4);
        assertEquals(1.138629, mag, 1e-6);
        assertEquals(c0[0] * mag, c1[0], 1e-5, "pair 0 keeps its frequency");
        // pair >= 9: angle at position 1000 equals the plain angle at position 250
        plain.angles(250, c0, s0, 0);
        for (int i = 9; i < 32; i++) {
            assertEquals(c0[i] * mag, c1[i], 1e-4, "pair " + i);
            assertEquals(s0[i] * mag, s1[i], 1e-4, "pair " + i);
        }
        // LONG-CONTEXT.md: Qwen3 (dim 128, base 1e6, L 32768, s 4): pairs below 23 unchanged, above 40 divided by 4.
        RotaryEmbedding q = new RotaryEmbedding(128, 1e6, RopeStyle.NEOX, RotaryScaling.yarn(4, 32768), 40960);
        RotaryEmbedding p = new RotaryEmbedding(128, 1e6, RopeStyle.NEOX);
        float[] a = new float[64], b = new float[64], x = new float[64], y = new float[64];
        q.angles(4000, a, b, 0);
        p.angles(4000, x, y, 0);
        for (int i = 0; i < 23; i++) assertEquals(x[i] * mag, a[i], 1e-4, "pair " + i);
        p.angles(1000, x, y, 0);
        for (int i = 41; i < 64; i++) assertEquals(x[i] * mag, a[i], 1e-4, "pair " + i);
    }

    @Test
    void configSpellings() {
        RotaryScaling a = RotaryScaling.fromConfig(JsonObject.parse(
                "{\"type\": \"yarn\", \"factor\": 4, \"original_max_position_embeddings\": 32768}", "t"));
        RotaryScaling b = RotaryScaling.fromConfig(JsonObject.parse(
                "{\"rope_type\": \"yarn\", \"factor\": 4.0, \"original_max_position_embeddings\": 32768}", "t"));
        assertEquals(a, b);
        assertEquals(131072, a.coveredContext(40960));
        assertEquals(RotaryScaling.NONE,
                RotaryScaling.fromConfig(JsonObject.parse("{\"rope_type\": \"default\"}", "t")));
        RotaryScaling ds = RotaryScaling.fromConfig(JsonObject.parse("{\"type\": \"yarn\", \"factor\": 40,"
                + " \"original_max_position_embeddings\": 4096, \"mscale\": 1.0, \"mscale_all_dim\": 1.0}", "t"));
        assertEquals(1.0, ds.yarnAttentionFactor(), 1e-12, "DeepSeek: mscale / mscale_all_dim");
        assertThrows(IllegalArgumentException.class, () -> RotaryScaling.fromConfig(JsonObject.parse(
                "{\"rope_type\": \"longrope\", \"factor\": 4}", "t")));
    }
}
