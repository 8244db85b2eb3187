package dev.ariadne.config;

/**
 * The sparse mixture-of-experts FFN of a model (Qwen3-MoE, DeepSeek-V2): every MoE layer's MLP is {@code experts}
 * routed SwiGLU experts of width {@code expertIntermediate}, of which each token runs the {@code expertsUsed} with
 * the highest router probabilities (softmax over all experts), their weights divided by their sum when
 * {@code normTopK}. DeepSeek-V3 scores experts by a sigmoid instead and chooses them by score plus a learned
 * per-expert bias, within the {@code groupsUsed} of {@code groups} expert groups whose best two biased scores sum
 * highest; the weights are the unbiased scores.
 *
 * @param experts            routed experts per layer (GGUF expert_count, HF num_experts)
 * @param expertsUsed        experts run per token (GGUF expert_used_count, HF num_experts_per_tok)
 * @param expertIntermediate width of one expert's gate/up projections (GGUF expert_feed_forward_length, HF
 *                           moe_intermediate_size)
 * @param normTopK           renormalize the selected experts' weights to sum 1 (HF norm_topk_prob; GGUF qwen3moe:
 *                           always; deepseek2 expert_weights_norm, default false)
 * @param routedScale        factor on the routed experts' weights (GGUF expert_weights_scale, HF
 *                           routed_scaling_factor; 1 for Qwen3-MoE)
 * @param leadingDenseLayers layers before the first MoE layer, which run a dense MLP of the model's intermediate size
 *                           (GGUF leading_dense_block_count, HF first_k_dense_replace)
 * @param sharedIntermediate width of the shared experts, one SwiGLU FFN every token runs besides its routed ones
 *                           (expert_shared_count x expert width; GGUF ffn_*_shexp); 0 for none
 * @param sigmoidGating      sigmoid scores with a selection bias (GGUF expert_gating_func 2 and exp_probs_b, HF
 *                           scoring_func sigmoid and e_score_correction_bias) instead of softmax probabilities
 * @param groups             expert groups (GGUF expert_group_count, HF n_group); 1 for no group limit
 * @param groupsUsed         groups a token's experts come from (GGUF expert_group_used_count, HF topk_group)
 */
public record MoeConfig(int experts, int expertsUsed, int expertIntermediate, boolean normTopK, double routedScale,
                        int leadingDenseLayers, int sharedIntermediate, boolean sigmoidGating, int groups,
                        int groupsUsed) {

    /** Every layer MoE, no shared expert, weights unscaled (Qwen3-MoE). */
    public MoeConfig(int experts, int expertsUsed, int expertIntermediate, boolean normTopK) {
        this(experts, expertsUsed, expertIntermediate, normTopK, 1.0, 0, 0);
    }

    /** Softmax routing without expert groups (Qwen3-MoE, DeepSeek-V2-Lite). */
    public MoeConfig(int experts, int expertsUsed, int expertIntermediate, boolean normTopK, double routedScale,
                     int leadingDenseLayers, int sharedIntermediate) {
        this(experts, expertsUsed, expertIntermediate, normTopK, routedScale, leadingDenseLayers, sharedIntermediate,
                false, 1, 1);
    }

    public MoeConfig {
        if (experts <= 0 || expertsUsed <= 0 || expertsUsed > experts) {
            throw new IllegalArgumentException("experts used per token must be 1 to the expert count " + experts
                    + ", found " + expertsUsed);
        }
        if (leadingDenseLayers < 0 || sharedIntermediate < 0 || !(routedScale > 0)) {
            throw new IllegalArgumentException("leading dense layers and shared expert width must be 0 or more and"
                    + " the expert weights scale positive, found " + leadingDenseLayers + ", " + sharedIntermediate
                    + ", " + routedScale);
        }
        if (groups < 1 || groupsUsed < 1 || groupsUsed > groups || experts % groups != 0
                || (groups > 1 && experts / groups < 2)) {
            throw new IllegalArgumentException("expert groups: " + groupsUsed + " of " + groups + " for " + experts
                    + " experts (groups must divide the experts, two or more each, and 1 <= used <= groups)");
        }
        if (groups > 1 && (long) groupsUsed * (experts / groups) < expertsUsed) {
            throw new IllegalArgumentException(groupsUsed + " groups of " + experts / groups + " experts cannot"
                    + " hold the " + expertsUsed + " experts used per token");
        }
        if (expertIntermediate <= 0) {
            throw new IllegalArgumentException("expert feed-forward length must be positive, found "
                    + expertIntermediate);
        }
    }

    /** Whether layer {@code layer} runs experts (else the dense MLP). */
    public boolean isMoeLayer(int layer) {
        return layer >= leadingDenseLayers;
    }
}
