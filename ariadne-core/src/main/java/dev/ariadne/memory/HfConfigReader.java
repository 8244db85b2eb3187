package dev.ariadne.memory;

import dev.ariadne.config.MlaConfig;
import dev.ariadne.config.DcaConfig;
import dev.ariadne.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@link ModelShape} from a transformers {@code config.json}: dense (Llama, Qwen2, Qwen3), MoE (Qwen2-MoE,
 * Qwen3-MoE, Mixtral, DeepSeek), MLA (DeepSeek-V2/V3), tied embeddings, rope scaling and Dual Chunk Attention.
 */
public final class HfConfigReader {
    private HfConfigReader() {
    }

    public static ModelShape read(Path configJson) {
        try {
            return read(JsonObject.parse(Files.readString(configJson), configJson.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(configJson + ": cannot read: " + e.getMessage(), e);
        }
    }

    public static ModelShape read(JsonObject c) {
        String modelType = c.optString("model_type").orElse("");
        String arch = c.has("architectures") && !c.getArray("architectures").isEmpty()
                ? String.valueOf(c.getArray("architectures").getFirst()) : modelType;
        int hidden = c.getInt("hidden_size");
        int layers = c.getInt("num_hidden_layers");
        int heads = c.getInt("num_attention_heads");
        int kvHeads = c.getInt("num_key_value_heads", heads);
        int headDim = c.has("head_dim") ? c.getInt("head_dim") : hidden / heads;
        MlaConfig mla = MlaConfig.fromConfig(c);
        int rotaryDim = mla != null ? mla.qkRopeHeadDim()
                : (int) Math.round(headDim * c.getDouble("partial_rotary_factor", 1.0));
        boolean qwen2Family = modelType.equals("qwen2") || modelType.equals("qwen2_moe");
        boolean attentionBias = c.getBoolean("attention_bias", false);
        AttentionShape attention = new AttentionShape(heads, kvHeads, headDim, rotaryDim,
                qwen2Family || attentionBias, attentionBias, modelType.startsWith("qwen3"), mla);

        RopeScaling rope = null;
        if (c.has("rope_scaling")) {
            rope = RopeScaling.from(c.getObject("rope_scaling")).orElse(null);
        } else if (c.has("rope_parameters")) {
            rope = RopeScaling.from(c.getObject("rope_parameters")).orElse(null);
        }
        DcaConfig dca = c.has("dual_chunk_attention_config")
                ? DcaConfig.from(c.getObject("dual_chunk_attention_config")) : null;

        return new ModelShape(arch, hidden, layers, c.getInt("vocab_size"), c.getInt("intermediate_size", 4 * hidden),
                c.getBoolean("tie_word_embeddings", false), c.getInt("max_position_embeddings", 2048),
                c.optString("torch_dtype").orElse(c.optString("dtype").orElse("bfloat16")),
                attention, readMoe(c, modelType, layers), rope, dca);
    }

    private static MoeShape readMoe(JsonObject c, String modelType, int layers) {
        if (c.has("n_routed_experts")) {
            // DeepSeek: the first first_k_dense_replace layers are dense, then every moe_layer_freq-th layer is MoE.
            int firstDense = c.getInt("first_k_dense_replace", 0);
            int freq = c.getInt("moe_layer_freq", 1);
            int moeLayers = 0;
            for (int i = 0; i < layers; i++) {
                if (i >= firstDense && i % freq == 0) moeLayers++;
            }
            int width = c.getInt("moe_intermediate_size");
            return new MoeShape(c.getInt("n_routed_experts"), c.getInt("num_experts_per_tok"), width,
                    c.getInt("n_shared_experts", 0) * width, false,
                    c.optString("topk_method").orElse("").equals("noaux_tc"), moeLayers);
        }
        if (c.getInt("num_experts", 0) > 0) {
            // Qwen2-MoE / Qwen3-MoE: layer i is MoE unless listed in mlp_only_layers, every decoder_sparse_step-th.
            Set<Integer> mlpOnly = new HashSet<>();
            if (c.has("mlp_only_layers")) {
                List<Object> list = c.getArray("mlp_only_layers");
                for (Object o : list) mlpOnly.add(((Number) o).intValue());
            }
            int step = c.getInt("decoder_sparse_step", 1);
            int moeLayers = 0;
            for (int i = 0; i < layers; i++) {
                if (!mlpOnly.contains(i) && (i + 1) % step == 0) moeLayers++;
            }
            int shared = c.getInt("shared_expert_intermediate_size", 0);
            return new MoeShape(c.getInt("num_experts"), c.getInt("num_experts_per_tok"),
                    c.getInt("moe_intermediate_size"), shared, modelType.equals("qwen2_moe") && shared > 0, false,
                    moeLayers);
        }
        if (c.getInt("num_local_experts", 0) > 0) {
            // Mixtral: every layer is MoE, experts as wide as intermediate_size.
            return new MoeShape(c.getInt("num_local_experts"), c.getInt("num_experts_per_tok"),
                    c.getInt("intermediate_size"), 0, false, false, layers);
        }
        return null;
    }
}
