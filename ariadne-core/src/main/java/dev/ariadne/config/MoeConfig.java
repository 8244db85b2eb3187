package dev.ariadne.config;

/**
 * The sparse mixture-of-experts FFN of a model (Qwen3-MoE): every layer's MLP is {@code experts} routed SwiGLU
 * experts of width {@code expertIntermediate}, of which each token runs the {@code expertsUsed} with the highest
 * router probabilities (softmax over all experts), their weights divided by their sum when {@code normTopK}.
 *
 * @param experts            routed experts per layer (GGUF expert_count, HF num_experts)
 * @param expertsUsed        experts run per token (GGUF expert_used_count, HF num_experts_per_tok)
 * @param expertIntermediate width of one expert's gate/up projections (GGUF expert_feed_forward_length, HF
 *                           moe_intermediate_size)
 * @param normTopK           renormalize the selected experts' weights to sum 1 (HF norm_topk_prob; GGUF qwen3moe:
 *                           always)
 */
public record MoeConfig(int experts, int expertsUsed, int expertIntermediate, boolean normTopK) {

    public MoeConfig {
        if (experts <= 0 || expertsUsed <= 0 || expertsUsed > experts) {
            throw new IllegalArgumentException("experts used per token must be 1 to the expert count " + experts
                    + ", found " + expertsUsed);
        }
        if (expertIntermediate <= 0) {
            throw new IllegalArgumentException("expert feed-forward length must be positive, found "
                    + expertIntermediate);
        }
    }
}
