package dev.ariadne.io;

import dev.ariadne.config.ModelConfig;
import dev.ariadne.tensor.WeightTensor;
import dev.ariadne.tokenizer.Tokenizer;

import java.util.Optional;

/**
 * Where a model's hyperparameters and weights come from: a GGUF file, a Hugging Face directory, or dummy weights.
 * Tensors are looked up by their canonical (GGUF) names, e.g. {@code blk.3.attn_q.weight}; sources with other
 * naming map them through {@link TensorNames}.
 */
public interface ModelSource extends AutoCloseable {
    ModelConfig config();

    /** The tensor with the canonical name, if the source has it. */
    Optional<WeightTensor> find(String canonicalName);

    /**
     * The tokenizer that ships with the model (GGUF metadata, tokenizer.json of a Hugging Face directory or beside
     * a dummy model's config.json), if any.
     */
    default Optional<Tokenizer> tokenizer() {
        return Optional.empty();
    }

    /** Where the model came from, for messages. */
    String description();

    /** The tensor with the canonical name; a missing one is an error naming the file. */
    default WeightTensor require(String canonicalName) {
        return find(canonicalName).orElseThrow(() -> new ModelFileException(description()
                + ": missing tensor '" + canonicalName + "' required by architecture " + config().architecture()));
    }

    @Override
    void close();
}
