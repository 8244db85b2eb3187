package dev.ariadne.model;

import dev.ariadne.engine.LLM;
import dev.ariadne.testing.Reference;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logits at every prompt position against llama.cpp's (../shared/reference): F32 weights with an F32 KV cache
 * against the kv_f32 runs (max |Δ| ≤ 1e-3); every other weight type with the default (f16) KV cache against the
 * same file's main run (mean |Δ| within the core issue's bound for the type).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReferenceLogitsTest {
    private ReferenceModels models;

    @BeforeAll
    void load() {
        models = new ReferenceModels();
    }

    @AfterAll
    void close() {
        models.close();
    }

    static Stream<Reference.Entry> runs() {
        return ReferenceModels.denseRuns();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void logitsMatchLlamaCpp(Reference.Entry e) {
        String type = ReferenceModels.weightType(e);
        LLM llm = models.get(e.model(), ReferenceModels.isF32(e) ? "f32" : "auto");
        Diff d = compare(llm, e.promptIds(), e.logits());
        System.out.printf("%-32s max |Δ| %.3g  mean |Δ| %.3g%n", e, d.max, d.mean);
        if (type.equals("F32")) {
            assertTrue(d.max <= 1e-3, e + ": max |Δ| " + d.max + " > 1e-3 (mean " + d.mean + ")");
        } else {
            double bound = ReferenceModels.meanBound(type);
            assertTrue(d.mean <= bound, e + ": mean |Δ| " + d.mean + " > " + bound + " (max " + d.max + ")");
        }
    }

    /**
     * The Hugging Face directories (BF16 safetensors, unpermuted llama q/k with neox RoPE) describe the same function
     * as the F32 GGUF masters: their logits are within BF16 rounding of the kv_f32 runs.
     */
    @ParameterizedTest(name = "hf/{0}")
    @ValueSource(strings = {"llama", "qwen2", "qwen3"})
    void huggingFaceDirectoriesMatchTheF32Reference(String arch) {
        LLM llm = models.get("models/hf/" + arch, "f32");
        for (String prompt : new String[] {"p7", "p64", "p300"}) {
            Reference.Entry e = Reference.entries().stream()
                    .filter(x -> x.model().equals("models/" + arch + "/" + arch + "-F32.gguf"))
                    .filter(x -> x.prompt().equals(prompt) && x.variant().equals("kv_f32"))
                    .findFirst().orElseThrow();
            Diff d = compare(llm, e.promptIds(), e.logits());
            System.out.printf("hf/%-29s max |Δ| %.3g  mean |Δ| %.3g%n", arch + "/" + prompt, d.max, d.mean);
            assertTrue(d.mean <= 0.01, "hf/" + arch + " " + prompt + ": mean |Δ| " + d.mean + " (max " + d.max + ")");
        }
    }

    @ParameterizedTest(name = "hf/{0} config")
    @ValueSource(strings = {"llama", "qwen2", "qwen3"})
    void huggingFaceConfigMatchesTheGguf(String arch) {
        LLM hf = models.get("models/hf/" + arch, "f32");
        LLM gguf = models.get("models/" + arch + "/" + arch + "-F32.gguf", "f32");
        var a = hf.modelConfig();
        var b = gguf.modelConfig();
        assertEquals(b.architecture(), a.architecture());
        assertEquals(b.vocabSize(), a.vocabSize());
        assertEquals(b.numLayers(), a.numLayers());
        assertEquals(b.numKvHeads(), a.numKvHeads());
        assertEquals(b.headDim(), a.headDim());
        assertEquals(b.tiedEmbeddings(), a.tiedEmbeddings());
        assertTrue(SharedKit.file("models/hf/" + arch + "/config.json").toFile().isFile());
    }

    /** The scalar reference kernels run the same model to the same logits (F32 weights and KV, all positions). */
    @ParameterizedTest(name = "scalar kernels {0}")
    @ValueSource(strings = {"qwen2", "qwen3", "llama"})
    void scalarKernelsMatchTheReferenceToo(String arch) {
        Reference.Entry e = Reference.entries().stream()
                .filter(x -> x.model().equals("models/" + arch + "/" + arch + "-F32.gguf"))
                .filter(x -> x.prompt().equals("p64") && x.variant().equals("kv_f32"))
                .findFirst().orElseThrow();
        var config = dev.ariadne.config.EngineConfig.defaults(SharedKit.file(e.model())).withThreads(2)
                .withKvCacheDType("f32");
        try (LLM llm = LLM.load(config, dev.ariadne.quant.KernelProvider.scalar())) {
            assertTrue(!llm.kernels().vectorized());
            Diff d = compare(llm, e.promptIds(), e.logits());
            assertTrue(d.max <= 1e-3, "scalar " + e + ": max |Δ| " + d.max);
        }
    }

    record Diff(double max, double mean) {
    }

    static Diff compare(LLM llm, int[] ids, float[][] ref) {
        int vocab = llm.modelConfig().vocabSize();
        assertEquals(ref[0].length, vocab, "vocabulary size");
        double[] acc = new double[2]; // max, sum
        llm.scoreAll(ids, (pos, logits, off) -> {
            for (int j = 0; j < vocab; j++) {
                double diff = Math.abs(logits[off + j] - ref[pos][j]);
                if (!(diff <= acc[0])) acc[0] = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff;
                acc[1] += diff;
            }
        });
        return new Diff(acc[0], acc[1] / ((double) ids.length * vocab));
    }
}
