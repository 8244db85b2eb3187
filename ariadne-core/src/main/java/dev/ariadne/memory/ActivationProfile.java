package dev.ariadne.memory;

/**
 * What an engine keeps alive at its activation peak, for {@link ActivationEstimate}: the width of activations, and
 * the bytes per vocabulary entry its sampler holds for each sequence of a batch.
 */
public record ActivationProfile(String engine, int activationBytes, int samplerBytesPerLogit, int maxNumSeqs,
                                String samplerParts) {

    /** vLLM's default {@code --max-num-seqs}. */
    public static final int DEFAULT_MAX_NUM_SEQS = 256;

    /**
     * vLLM's profiling run: {@code max_num_seqs} dummy sequences sampled with top-k and top-p on, so the sampler
     * sorts the whole vocabulary ({@code model_executor/layers/sampler.py::_apply_top_k_top_p}).
     */
    public static ActivationProfile vllm(int activationBytes) {
        return new ActivationProfile("vLLM profiling run", activationBytes, 39, DEFAULT_MAX_NUM_SEQS,
                "logits 2 + fp32 logits 4 + sorted 4 + sort index 8 + softmax 4 + cumsum 4 + top-p mask 1"
                        + " + inverse index 8 + re-gathered logits 4");
    }

    /** Ariadne's CPU engine: fp32 activations preallocated once; the sampler keeps logits, probabilities, an index. */
    public static ActivationProfile ariadneCpu() {
        return new ActivationProfile("Ariadne CPU workspace", 4, 12, DEFAULT_MAX_NUM_SEQS,
                "fp32 logits 4 + probabilities 4 + candidate index 4");
    }
}
