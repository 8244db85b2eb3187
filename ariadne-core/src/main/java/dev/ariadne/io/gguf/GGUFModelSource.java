package dev.ariadne.io.gguf;

import dev.ariadne.config.Architecture;
import dev.ariadne.config.ModelConfig;
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
        int headDim = f.getInt(p + "attention.key_length", hidden / heads);
        int valueDim = f.getInt(p + "attention.value_length", headDim);
        if (valueDim != headDim) {
            throw f.error("attention.value_length " + valueDim + " differs from key_length " + headDim
                    + " (not supported for " + archName + ")");
        }
        int ropeDims = f.getInt(p + "rope.dimension_count", headDim);
        if (ropeDims != headDim) {
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
                    f.getInt(p + "attention.head_count_kv", heads),
                    headDim,
                    f.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f),
                    f.getFloat(p + "rope.freq_base", 10000f),
                    arch == Architecture.LLAMA ? RopeStyle.NORMAL : RopeStyle.NEOX,
                    f.getInt(p + "context_length"),
                    !f.tensors().containsKey("output.weight"),
                    tokenId(f, "tokenizer.ggml.bos_token_id"),
                    tokenId(f, "tokenizer.ggml.eos_token_id"),
                    ropeScaling(f, p),
                    null, // GGUF has no Dual Chunk Attention keys (llama.cpp lacks DCA): --hf-overrides gives it
                    moe);
        } catch (IllegalArgumentException e) {
            throw f.error(e.getMessage());
        }
    }

    /**
     * llama.cpp's qwen3moe keys: {@code expert_count}, {@code expert_used_count}, {@code expert_feed_forward_length};
     * llama.cpp always renormalizes qwen3moe's top-k weights (its converter writes no norm_topk_prob key).
     */
    private static MoeConfig moe(GGUFFile f, String p) {
        return new MoeConfig(f.getInt(p + "expert_count"), f.getInt(p + "expert_used_count"),
                f.getInt(p + "expert_feed_forward_length"), true);
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
