package dev.ariadne.io.hf;

import dev.ariadne.config.DcaConfig;
import dev.ariadne.config.Architecture;
import dev.ariadne.config.ModelConfig;
import dev.ariadne.config.MlaConfig;
import dev.ariadne.config.MoeConfig;
import dev.ariadne.config.RopeStyle;
import dev.ariadne.config.RotaryScaling;
import dev.ariadne.io.ModelFileException;
import dev.ariadne.io.ModelSource;
import dev.ariadne.io.TensorNames;
import dev.ariadne.io.safetensors.SafetensorsFile;
import dev.ariadne.json.JsonException;
import dev.ariadne.json.JsonObject;
import dev.ariadne.tensor.WeightTensor;
import dev.ariadne.tokenizer.Tokenizer;
import dev.ariadne.tokenizer.Tokenizers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Hugging Face model directory: {@code config.json} plus {@code model.safetensors} or the shards listed in
 * {@code model.safetensors.index.json}. Weights are unpermuted, so llama uses neox (rotate_half) RoPE here.
 */
public final class HFModelSource implements ModelSource {
    private final Path dir;
    private final ModelConfig config;
    private final List<SafetensorsFile> files;
    private final Map<String, WeightTensor> tensors = new HashMap<>();

    private HFModelSource(Path dir, ModelConfig config, List<SafetensorsFile> files) {
        this.dir = dir;
        this.config = config;
        this.files = files;
        for (SafetensorsFile f : files) {
            tensors.putAll(f.tensors());
        }
    }

    public static boolean isModelDirectory(Path path) {
        return Files.isDirectory(path) && Files.exists(path.resolve("config.json"));
    }

    public static HFModelSource open(Path dir) {
        ModelConfig config = readConfig(dir.resolve("config.json"));
        if (config.mla() != null) {
            // HF keeps kv_b_proj as one [heads x (qk_nope + v), kv_lora_rank] matrix; llama.cpp's converter splits it
            // into the per-head attn_k_b (transposed) and attn_v_b this engine reads.
            throw new ModelFileException(dir + ": DeepSeek safetensors weights are not supported yet; convert them"
                    + " with llama.cpp's convert_hf_to_gguf.py, or run the config with --load-format dummy");
        }
        List<SafetensorsFile> files = new ArrayList<>();
        try {
            for (Path p : weightFiles(dir)) {
                files.add(SafetensorsFile.open(p));
            }
            return new HFModelSource(dir, config, files);
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
    }

    private static List<Path> weightFiles(Path dir) {
        Path single = dir.resolve("model.safetensors");
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.exists(index)) {
            JsonObject json = JsonObject.parse(readString(index), index.toString());
            Set<String> names = new LinkedHashSet<>();
            for (Object v : json.getObject("weight_map").map().values()) {
                if (!(v instanceof String s)) {
                    throw new ModelFileException(index + ": weight_map values must be file names, found " + v);
                }
                names.add(s);
            }
            List<Path> paths = new ArrayList<>();
            for (String n : names) {
                Path p = dir.resolve(n);
                if (!Files.exists(p)) {
                    throw new ModelFileException(index + ": shard '" + n + "' is missing from " + dir);
                }
                paths.add(p);
            }
            return paths;
        }
        if (Files.exists(single)) {
            return List.of(single);
        }
        throw new ModelFileException(dir + ": no model.safetensors or model.safetensors.index.json");
    }

    /** Reads the fields of a transformers config.json the forward pass needs. */
    public static ModelConfig readConfig(Path configPath) {
        if (!Files.exists(configPath)) {
            throw new ModelFileException(configPath + ": file not found");
        }
        JsonObject c;
        try {
            c = JsonObject.parse(readString(configPath), configPath.toString());
        } catch (JsonException e) {
            throw new ModelFileException(e.getMessage(), e);
        }
        try {
            String type = c.optString("model_type").orElse("");
            Architecture arch = Architecture.byName(type);
            if (arch == null) {
                throw new ModelFileException(configPath + ": unknown architecture model_type '" + type
                        + "' (supported: " + Architecture.supportedNames() + ")");
            }
            int hidden = c.getInt("hidden_size");
            int heads = c.getInt("num_attention_heads");
            MlaConfig mla = arch.mla ? MlaConfig.fromConfig(c) : null;
            int headDim = mla != null ? mla.qkHeadDim() : c.getInt("head_dim", hidden / heads);
            MoeConfig moe = arch.moe ? (arch.mla ? deepseekMoe(c) : moe(c)) : null;
            return new ModelConfig(
                    arch,
                    c.getInt("vocab_size"),
                    hidden,
                    c.getInt("intermediate_size"),
                    c.getInt("num_hidden_layers"),
                    heads,
                    mla != null ? 1 : c.getInt("num_key_value_heads", heads),
                    headDim,
                    (float) c.getDouble("rms_norm_eps", 1e-6),
                    c.getDouble("rope_theta", c.optObject("rope_parameters")
                            .map(rp -> rp.getDouble("rope_theta", 10000.0)).orElse(10000.0)),
                    // DeepseekV2's apply_rotary_pos_emb de-interleaves q_pe/k_pe before rotate_half: pairs (2i, 2i+1)
                    mla != null ? RopeStyle.NORMAL : RopeStyle.NEOX,
                    c.getInt("max_position_embeddings", 2048),
                    c.getBoolean("tie_word_embeddings", false),
                    firstId(c, "bos_token_id"),
                    firstId(c, "eos_token_id"),
                    ropeScaling(c),
                    c.has("dual_chunk_attention_config")
                            ? DcaConfig.from(c.getObject("dual_chunk_attention_config")) : null,
                    moe,
                    mla);
        } catch (JsonException | IllegalArgumentException e) {
            if (e instanceof ModelFileException) throw e;
            String msg = e.getMessage();
            throw new ModelFileException(msg.startsWith(configPath.toString()) ? msg : configPath + ": " + msg, e);
        }
    }

    /**
     * Qwen3-MoE's {@code num_experts}, {@code num_experts_per_tok}, {@code moe_intermediate_size},
     * {@code norm_topk_prob}. Dense layers among sparse ones ({@code mlp_only_layers}, {@code decoder_sparse_step}
     * above 1) are not supported and say so.
     */
    private static MoeConfig moe(JsonObject c) {
        Object dense = c.raw("mlp_only_layers");
        if (dense instanceof List<?> l && !l.isEmpty()) {
            throw new IllegalArgumentException("mlp_only_layers " + l + " (dense layers in a "
                    + "mixture-of-experts model) is not supported");
        }
        int step = c.getInt("decoder_sparse_step", 1);
        if (step != 1) {
            throw new IllegalArgumentException("decoder_sparse_step " + step + " (dense layers in a "
                    + "mixture-of-experts model) is not supported");
        }
        return new MoeConfig(c.getInt("num_experts"), c.getInt("num_experts_per_tok"),
                c.getInt("moe_intermediate_size"), c.getBoolean("norm_topk_prob", false));
    }

    /**
     * DeepSeek's experts: {@code n_routed_experts} of {@code moe_intermediate_size}, {@code num_experts_per_tok}
     * by {@code scoring_func} (softmax, V2; sigmoid with a selection bias, V3), with {@code topk_method} greedy or
     * noaux_tc (V3: within {@code topk_group} of {@code n_group} groups), {@code n_shared_experts} of the same width
     * run on every token, {@code first_k_dense_replace} dense layers first, {@code routed_scaling_factor}. V2's
     * {@code group_limited_greedy} (groups ranked by their best score) and MoE only every n-th layer are refused.
     */
    private static MoeConfig deepseekMoe(JsonObject c) {
        String scoring = c.optString("scoring_func").orElse("softmax");
        String topk = c.optString("topk_method").orElse("greedy");
        if (!(scoring.equals("softmax") || scoring.equals("sigmoid"))
                || !(topk.equals("greedy") || topk.equals("noaux_tc"))) {
            throw new IllegalArgumentException("scoring_func '" + scoring + "' with topk_method '" + topk + "' is"
                    + " not supported; softmax or sigmoid scoring with greedy or noaux_tc top-k is");
        }
        boolean grouped = topk.equals("noaux_tc") && c.getInt("n_group", 1) > 1;
        int freq = c.getInt("moe_layer_freq", 1);
        if (freq != 1) {
            throw new IllegalArgumentException("moe_layer_freq " + freq + " (dense layers among the sparse ones) is"
                    + " not supported");
        }
        int width = c.getInt("moe_intermediate_size");
        return new MoeConfig(c.getInt("n_routed_experts"), c.getInt("num_experts_per_tok"), width,
                c.getBoolean("norm_topk_prob", false), c.getDouble("routed_scaling_factor", 1.0),
                c.getInt("first_k_dense_replace", 0), c.getInt("n_shared_experts", 0) * width,
                scoring.equals("sigmoid"), grouped ? c.getInt("n_group") : 1, grouped ? c.getInt("topk_group") : 1);
    }

    /** {@code rope_scaling}, or transformers v5's {@code rope_parameters} (which also carries {@code rope_theta}). */
    private static RotaryScaling ropeScaling(JsonObject c) {
        for (String key : new String[] {"rope_scaling", "rope_parameters"}) {
            if (c.raw(key) instanceof java.util.Map<?, ?>) return RotaryScaling.fromConfig(c.getObject(key));
        }
        return RotaryScaling.NONE;
    }

    private static int firstId(JsonObject c, String key) {
        Object v = c.raw(key);
        if (v instanceof Number n) return n.intValue();
        if (v instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Number n) return n.intValue();
        return -1;
    }

    private static String readString(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new ModelFileException(p + ": cannot read: " + e.getMessage(), e);
        }
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public Optional<WeightTensor> find(String canonicalName) {
        String hf = TensorNames.toHuggingFace(canonicalName);
        if (hf == null) return Optional.empty();
        return Optional.ofNullable(tensors.get(hf));
    }

    @Override
    public Optional<Tokenizer> tokenizer() {
        Path json = dir.resolve("tokenizer.json");
        return Files.exists(json) ? Optional.of(Tokenizers.fromTokenizerJson(dir)) : Optional.empty();
    }

    @Override
    public String description() {
        return dir.toString();
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
