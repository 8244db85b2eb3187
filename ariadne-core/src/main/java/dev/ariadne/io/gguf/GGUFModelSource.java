package dev.ariadne.io.gguf;

import dev.ariadne.config.Architecture;
import dev.ariadne.config.ModelConfig;
import dev.ariadne.config.RopeStyle;
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
            return new ModelConfig(
                    arch,
                    Math.toIntExact(embd.ne()[1]),
                    hidden,
                    f.getInt(p + "feed_forward_length"),
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
                    tokenId(f, "tokenizer.ggml.eos_token_id"));
        } catch (IllegalArgumentException e) {
            throw f.error(e.getMessage());
        }
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
