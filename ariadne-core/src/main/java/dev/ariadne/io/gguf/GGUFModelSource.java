package dev.ariadne.io.gguf;

import dev.ariadne.config.Architecture;
import dev.ariadne.config.ModelConfig;
import dev.ariadne.config.MlaConfig;
import dev.ariadne.config.MoeConfig;
import dev.ariadne.config.RopeStyle;
import dev.ariadne.config.RotaryScaling;
import dev.ariadne.io.ModelSource;
import dev.ariadne.tensor.WeightTensor;
import dev.ariadne.tokenizer.Tokenizer;
import dev.ariadne.tokenizer.Tokenizers;

import java.nio.file.Path;
import java.util.Optional;

/** A model in one GGUF file: hyperparameters from {@code <arch>.*} metadata, weights mapped in place. */
public final class GGUFModelSource implements ModelSource {
    private final GGUFFile file;
    private final ModelConfig config;

    public GGUFModelSource(GGUFFile file) {
        this.file = file;
        this.config = readConfig(file);
    }

    public static GGUFModelSource open(Path path) {
        GGUFFile f = GGUFFile.open(path);
        try {
            return new GGUFModelSource(f);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    public GGUFFile file() {
        return file;
    }

    private static ModelConfig readConfig(GGUFFile f) {
        String archName = f.getString("general.architecture");
        Architecture arch = Architecture.byName(archName);
        if (arch == null) {
            throw f.error("unknown architecture '" + archName + "' (supported: " + Architecture.supportedNames()
                    + ")");
        }
        String p = archName + ".";
        GGUFTensorInfo embd = f.tensors().get("token_embd.weight");
        if (embd == null) {
            throw f.error("missing tensor 'token_embd.weight'");
        }
        int hidden = f.getInt(p + "embedding_length");
        int heads = f.getInt(p + "attention.head_count");
        MlaConfig mla = arch.mla ? mla(f, p) : null;
        int headDim = mla != null ? mla.qkHeadDim() : f.getInt(p + "attention.key_length", hidden / heads);
        int valueDim = mla != null ? headDim : f.getInt(p + "attention.value_length", headDim);
        if (valueDim != headDim) {
            throw f.error("attention.value_length " + valueDim + " differs from key_length " + headDim
                    + " (not supported for " + archName + ")");
        }
        int ropeDims = f.getInt(p + "rope.dimension_count", headDim);
        int expectedRope = mla != null ? mla.qkRopeHeadDim() : headDim;
        if (ropeDims != expectedRope) {
            throw f.error("partial rotary embeddings (rope.dimension_count " + ropeDims + " < head dim " + headDim
                    + ") are not supported");
        }
        if (embd.ne().length != 2 || embd.ne()[0] != hidden) {
            throw f.error("tensor 'token_embd.weight' has shape " + java.util.Arrays.toString(embd.ne())
                    + ", expected [" + hidden + ", vocab]");
        }
        try {
            MoeConfig moe = arch.moe ? moe(f, p) : null;
            return new ModelConfig(
                    arch,
                    Math.toIntExact(embd.ne()[1]),
                    hidden,
                    moe != null ? f.getInt(p + "feed_forward_length", moe.expertIntermediate())
                            : f.getInt(p + "feed_forward_length"),
                    f.getInt(p + "block_count"),
                    heads,
                    mla != null ? 1 : f.getInt(p + "attention.head_count_kv", heads),
                    headDim,
                    f.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f),
                    f.getFloat(p + "rope.freq_base", 10000f),
                    arch == Architecture.LLAMA || arch == Architecture.DEEPSEEK2 ? RopeStyle.NORMAL : RopeStyle.NEOX,
                    f.getInt(p + "context_length"),
                    !f.tensors().containsKey("output.weight"),
                    tokenId(f, "tokenizer.ggml.bos_token_id"),
                    tokenId(f, "tokenizer.ggml.eos_token_id"),
                    ropeScaling(f, p),
                    null, // GGUF has no Dual Chunk Attention keys (llama.cpp lacks DCA): --hf-overrides gives it
                    moe,
                    mla);
        } catch (IllegalArgumentException e) {
            throw f.error(e.getMessage());
        }
    }

    /**
     * llama.cpp's qwen3moe keys: {@code expert_count}, {@code expert_used_count}, {@code expert_feed_forward_length};
     * llama.cpp always renormalizes qwen3moe's top-k weights (its converter writes no norm_topk_prob key).
     */
    private static MoeConfig moe(GGUFFile f, String p) {
        int width = f.getInt(p + "expert_feed_forward_length");
        if (!p.equals("deepseek2.")) {
            return new MoeConfig(f.getInt(p + "expert_count"), f.getInt(p + "expert_used_count"), width, true);
        }
        // deepseek2: llama.cpp's gating is softmax (1, V2) or sigmoid (2, V3: exp_probs_b, expert groups).
        int gating = f.getInt(p + "expert_gating_func", 1);
        if (gating != 1 && gating != 2) {
            throw new IllegalArgumentException("expert_gating_func " + gating + " is not supported (1 softmax,"
                    + " 2 sigmoid)");
        }
        int groups = Math.max(1, f.getInt(p + "expert_group_count", 1));
        int groupsUsed = groups == 1 ? 1 : f.getInt(p + "expert_group_used_count", groups);
        return new MoeConfig(f.getInt(p + "expert_count"), f.getInt(p + "expert_used_count"), width,
                f.getBoolean(p + "expert_weights_norm", false),
                f.getFloat(p + "expert_weights_scale", 1f), f.getInt(p + "leading_dense_block_count", 0),
                f.getInt(p + "expert_shared_count", 0) * width, gating == 2, groups, groupsUsed);
    }

    /**
     * llama.cpp's deepseek2 keys (its MLA layout, 2025): {@code attention.kv_lora_rank}, {@code q_lora_rank} (0:
     * none), {@code key_length_mla} = qk_nope + qk_rope, {@code value_length_mla}, {@code rope.dimension_count} =
     * qk_rope. ({@code key_length} / {@code value_length} then describe the cached latent, 576 / 512 for V3.)
     * Older files have no {@code key_length_mla} and one {@code attn_kv_b} tensor instead of attn_k_b / attn_v_b.
     */
    private static MlaConfig mla(GGUFFile f, String p) {
        if (!f.has(p + "attention.key_length_mla")) {
            throw f.error("this deepseek2 file predates llama.cpp's MLA layout (no attention.key_length_mla, one"
                    + " attn_kv_b tensor instead of attn_k_b and attn_v_b): convert it again with a current"
                    + " convert_hf_to_gguf.py");
        }
        int rope = f.getInt(p + "rope.dimension_count");
        int qk = f.getInt(p + "attention.key_length_mla");
        return new MlaConfig(f.getInt(p + "attention.q_lora_rank", 0), f.getInt(p + "attention.kv_lora_rank"),
                qk - rope, rope, f.getInt(p + "attention.value_length_mla"));
    }

    /**
     * llama.cpp's keys: {@code rope.scaling.type} (none, linear, yarn), {@code .factor},
     * {@code .original_context_length}, {@code .attn_factor}, and the older {@code rope.scale_linear}.
     */
    private static RotaryScaling ropeScaling(GGUFFile f, String p) {
        String type = f.has(p + "rope.scaling.type") ? f.getString(p + "rope.scaling.type") : null;
        if (type == null && f.has(p + "rope.scale_linear")) {
            return RotaryScaling.linear(f.getFloat(p + "rope.scale_linear", 1f));
        }
        if (type == null || type.equals("none")) return RotaryScaling.NONE;
        double factor = f.getFloat(p + "rope.scaling.factor", 1f);
        return switch (RotaryScaling.typeNamed(type)) {
            case NONE -> RotaryScaling.NONE;
            case LINEAR -> RotaryScaling.linear(factor);
            case YARN -> {
                RotaryScaling y = RotaryScaling.yarn(factor, f.getInt(p + "rope.scaling.original_context_length",
                        f.getInt(p + "context_length")));
                if (f.has(p + "rope.scaling.yarn_log_multiplier")) {
                    // DeepSeek: 0.1 mscale_all_dim. llama.cpp's deepseek2 divides YaRN's cos/sin magnitude back
                    // out (mscale = mscale_all_dim, as in V2 and V3) and puts mscale_all_dim's factor on the scores.
                    double m = f.getFloat(p + "rope.scaling.yarn_log_multiplier", 0f) / 0.1;
                    yield new RotaryScaling(y.type(), y.factor(), y.originalContext(), y.betaFast(), y.betaSlow(),
                            1.0, m, m, true, 1, 4);
                }
                yield f.has(p + "rope.scaling.attn_factor") ? new RotaryScaling(y.type(), y.factor(),
                        y.originalContext(), y.betaFast(), y.betaSlow(), f.getFloat(p + "rope.scaling.attn_factor", 1f),
                        0, 0, true, 1, 4) : y;
            }
            default -> throw new IllegalArgumentException("rope.scaling.type '" + type + "' is not supported");
        };
    }

    private static int tokenId(GGUFFile f, String key) {
        if (!f.has(key)) return -1;
        long v = f.getLong(key);
        return v >= 0 && v < Integer.MAX_VALUE ? (int) v : -1;
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public Optional<WeightTensor> find(String canonicalName) {
        GGUFTensorInfo t = file.tensors().get(canonicalName);
        if (t == null) return Optional.empty();
        return Optional.of(new WeightTensor(t.name(), t.type(), t.ne(), file.tensorData(t), file.path().toString()));
    }

    @Override
    public Optional<Tokenizer> tokenizer() {
        if (!file.has("tokenizer.ggml.model")) return Optional.empty();
        return Optional.of(Tokenizers.fromGGUF(file));
    }

    @Override
    public String description() {
        return file.path().toString();
    }

    @Override
    public void close() {
        file.close();
    }
}
