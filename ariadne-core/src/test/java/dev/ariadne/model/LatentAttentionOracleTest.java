package dev.ariadne.model;

import dev.ariadne.config.CacheConfig;
import dev.ariadne.config.EngineConfig;
import dev.ariadne.config.MlaConfig;
import dev.ariadne.config.ModelConfig;
import dev.ariadne.engine.LLM;
import dev.ariadne.engine.TokenSink;
import dev.ariadne.io.ModelFileException;
import dev.ariadne.io.hf.HFModelSource;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.sample.SamplingParams;
import dev.ariadne.tensor.GGMLType;
import dev.ariadne.testing.Reference;
import dev.ariadne.testing.ScalarDecoderReference;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the kit's deepseek2 model does not exercise, against the double-precision {@link ScalarDecoderReference}:
 * a low-rank query (q_lora_rank), YaRN with DeepSeek's mscale / mscale_all_dim, a value width unlike the key width,
 * renormalized and scaled routing, DeepSeek-V3's sigmoid scores with a selection bias and expert groups, read from
 * a config.json in DeepSeek's spelling with dummy weights. The oracle is first checked against llama.cpp on the
 * kit's model. Also: the real DeepSeek-V2-Lite and V3 configs read as the checkpoints state, and what is not
 * supported says so.
 */
class LatentAttentionOracleTest {
    @TempDir
    Path tmp;

    @Test
    void oracleMatchesLlamaCppOnTheKitModel() {
        Reference.Entry e = Reference.entries().stream()
                .filter(x -> x.model().equals("models/deepseek2/deepseek2-F32.gguf") && x.prompt().equals("p64")
                        && x.variant().equals("kv_f32"))
                .findFirst().orElseThrow();
        try (LLM llm = LLM.load(EngineConfig.defaults(SharedKit.file(e.model())).withThreads(2)
                .withKvCacheDType("f32").withMaxModelLen(1024, true))) {
            double[][] ref = new ScalarDecoderReference(llm.weights(), null).logits(e.promptIds());
            float[][] kit = e.logits();
            double max = 0;
            for (int t = 0; t < ref.length; t++) {
                for (int j = 0; j < ref[t].length; j++) max = Math.max(max, Math.abs(ref[t][j] - kit[t][j]));
            }
            System.out.printf("oracle vs llama.cpp, deepseek2-F32 p64: max |Δ| %.3g%n", max);
            assertTrue(max <= 1e-4, "the oracle is " + max + " from llama.cpp");
        }
    }

    /** DeepSeek-V2's softmax routing, or V3's sigmoid scores with a selection bias and 2 of 4 expert groups. */
    @ParameterizedTest(name = "{0} routing")
    @ValueSource(strings = {"softmax", "sigmoid"})
    void lowRankQueryYarnAndScaledRoutingMatchTheOracle(String scoring) throws Exception {
        Path config = tmp.resolve("config.json");
        String routing = scoring.equals("softmax") ? """
                 "n_routed_experts": 4, "num_experts_per_tok": 2, "scoring_func": "softmax", "topk_method": "greedy",
                """ : """
                 "n_routed_experts": 8, "num_experts_per_tok": 3, "scoring_func": "sigmoid", "topk_method": "noaux_tc",
                 "n_group": 4, "topk_group": 2,
                """;
        Files.writeString(config, """
                {"model_type": "deepseek_v2", "architectures": ["DeepseekV2ForCausalLM"],
                 "vocab_size": 256, "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 3,
                 "num_attention_heads": 4, "num_key_value_heads": 4, "q_lora_rank": 48, "kv_lora_rank": 32,
                 "qk_nope_head_dim": 16, "qk_rope_head_dim": 16, "v_head_dim": 24,
                 "n_shared_experts": 1, "moe_intermediate_size": 32, %s
                 "first_k_dense_replace": 1, "moe_layer_freq": 1, "norm_topk_prob": true, "routed_scaling_factor": 2.5,
                 "max_position_embeddings": 128, "rms_norm_eps": 1e-6, "rope_theta": 10000,
                 "rope_scaling": {"type": "yarn", "factor": 4, "original_max_position_embeddings": 32,
                                  "beta_fast": 32, "beta_slow": 1, "mscale": 1.0, "mscale_all_dim": 0.707},
                 "tie_word_embeddings": false, "bos_token_id": 0, "eos_token_id": 1}
                """.formatted(routing));
        int[] prompt = new int[40];
        for (int i = 0; i < prompt.length; i++) prompt[i] = (i * 37 + 11) % 256;
        for (boolean absorb : new boolean[] {false, true}) {
            EngineConfig c = new EngineConfig(config, "dummy", GGMLType.F32, 7, 2, "f32", 128, false, 512,
                    CacheConfig.defaults(), null, null, null).withMlaAbsorbPrefill(absorb);
            try (LLM llm = LLM.load(c, KernelProvider.best(), line -> { })) {
                ModelConfig mc = llm.modelConfig();
                assertEquals(new MlaConfig(48, 32, 16, 16, 24), mc.mla());
                assertTrue(mc.ropeScaling().yarnAttentionFactor() != 1 && mc.ropeScaling().yarnScoreFactor() != 1);
                assertEquals(scoring.equals("sigmoid"), mc.moe().sigmoidGating());
                assertEquals(scoring.equals("sigmoid") ? 4 : 1, mc.moe().groups());
                var oracle = new ScalarDecoderReference(llm.weights(), null);
                double[][] ref = oracle.logits(prompt);
                double[] max = {0};
                llm.scoreAll(prompt, (pos, logits, off) -> {
                    for (int j = 0; j < ref[pos].length; j++) {
                        max[0] = Math.max(max[0], Math.abs(logits[off + j] - ref[pos][j]));
                    }
                });
                System.out.printf("q_lora + yarn dummy deepseek_v2, %s routing, absorbed prefill %s: max |Δ| vs"
                        + " oracle %.3g%n", scoring, absorb, max[0]);
                assertTrue(max[0] <= 1e-3, "absorbed prefill " + absorb + ": max |Δ| " + max[0]);
                // Decode (always absorbed): each greedy token is the oracle's argmax over the sequence so far.
                int[] out = llm.generate(prompt, SamplingParams.greedy(8), TokenSink.NONE).outputIds();
                int[] all = java.util.Arrays.copyOf(prompt, prompt.length + out.length);
                System.arraycopy(out, 0, all, prompt.length, out.length);
                double[][] full = oracle.logits(all);
                for (int i = 0; i < out.length; i++) {
                    double[] row = full[prompt.length - 1 + i];
                    double best = java.util.Arrays.stream(row).max().orElseThrow();
                    assertTrue(row[out[i]] >= best - 1e-3, "decoded token " + i + " is " + out[i] + " with "
                            + row[out[i]] + ", the oracle's best " + best);
                }
            }
        }
    }

    @Test
    void deepseekV2LiteConfigReadsAsTheCheckpointStates() {
        ModelConfig c = HFModelSource.readConfig(SharedKit.file("configs/DeepSeek-V2-Lite/config.json"));
        assertEquals(new MlaConfig(0, 512, 128, 64, 128), c.mla());
        assertEquals(1, c.numKvHeads(), "one latent row per token");
        assertEquals(192, c.headDim());
        var m = c.moe();
        assertEquals(64, m.experts());
        assertEquals(6, m.expertsUsed());
        assertEquals(1408, m.expertIntermediate());
        assertEquals(2 * 1408, m.sharedIntermediate());
        assertEquals(1, m.leadingDenseLayers());
        assertEquals(10944, c.intermediateSize());
        double mscale = 0.1 * 0.707 * Math.log(40) + 1;
        assertEquals(mscale * mscale, c.ropeScaling().yarnScoreFactor(), 1e-12);
        assertEquals(1.0, c.ropeScaling().yarnAttentionFactor(), 1e-12);
    }

    @Test
    void deepseekV3ConfigReadsAsTheCheckpointStates() {
        ModelConfig c = HFModelSource.readConfig(SharedKit.file("configs/DeepSeek-V3/config.json"));
        assertEquals(new MlaConfig(1536, 512, 128, 64, 128), c.mla());
        var m = c.moe();
        assertTrue(m.sigmoidGating());
        assertEquals(256, m.experts());
        assertEquals(8, m.expertsUsed());
        assertEquals(8, m.groups());
        assertEquals(4, m.groupsUsed());
        assertEquals(3, m.leadingDenseLayers());
        assertEquals(2.5, m.routedScale());
        assertTrue(m.normTopK());
    }

    @Test
    void unsupportedDeepseekVariantsSaySo() throws Exception {
        String lite = Files.readString(SharedKit.file("configs/DeepSeek-V2-Lite/config.json"));
        Path greedyGroups = tmp.resolve("groups.json");
        Files.writeString(greedyGroups, lite.replace("\"topk_method\": \"greedy\"",
                "\"topk_method\": \"group_limited_greedy\""));
        var e = assertThrows(ModelFileException.class, () -> HFModelSource.readConfig(greedyGroups));
        assertTrue(e.getMessage().contains("topk_method 'group_limited_greedy' is not supported"), e.getMessage());
        Path dir = tmp.resolve("lite");
        Files.createDirectories(dir);
        Files.copy(SharedKit.file("configs/DeepSeek-V2-Lite/config.json"), dir.resolve("config.json"));
        var w = assertThrows(ModelFileException.class, () -> HFModelSource.open(dir));
        assertTrue(w.getMessage().contains("DeepSeek safetensors weights are not supported yet"), w.getMessage());
    }
}
