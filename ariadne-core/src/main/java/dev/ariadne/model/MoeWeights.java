package dev.ariadne.model;

import dev.ariadne.tensor.Linear;

/**
 * One layer's mixture-of-experts MLP: the router and every expert's SwiGLU projections. A GGUF file stacks the
 * experts in one 3-D tensor per projection ({@code ffn_gate_exps ne = [hidden, F, E]}); expert e is then a view of
 * slice e of the mapped tensor, no copy. A Hugging Face file has one tensor per expert.
 *
 * @param router [experts, hidden]     router logits = router @ x (GGUF ffn_gate_inp, HF mlp.gate)
 * @param gate   [experts] of [F, hidden]  F = expert feed-forward length
 * @param up     [experts] of [F, hidden]
 * @param down   [experts] of [hidden, F]
 * @param sharedGate [S, hidden] the shared experts as one SwiGLU FFN of width S (GGUF ffn_gate_shexp), or null
 * @param sharedUp   [S, hidden]
 * @param sharedDown [hidden, S]
 * @param selectionBias [experts] added to the sigmoid scores to choose experts, not to weigh them (GGUF
 *                      exp_probs_b, HF e_score_correction_bias), or null
 */
public record MoeWeights(Linear router, Linear[] gate, Linear[] up, Linear[] down, Linear sharedGate,
                         Linear sharedUp, Linear sharedDown, float[] selectionBias) {

    /** Routed experts only. */
    public MoeWeights(Linear router, Linear[] gate, Linear[] up, Linear[] down) {
        this(router, gate, up, down, null, null, null, null);
    }

    public MoeWeights(Linear router, Linear[] gate, Linear[] up, Linear[] down, Linear sharedGate, Linear sharedUp,
                      Linear sharedDown) {
        this(router, gate, up, down, sharedGate, sharedUp, sharedDown, null);
    }

    private long sharedBytes() {
        return sharedGate == null ? 0 : sharedGate.byteSize() + sharedUp.byteSize() + sharedDown.byteSize();
    }

    public int experts() {
        return gate.length;
    }

    /** Bytes of the router and all experts. */
    public long bytes() {
        long b = router.byteSize() + sharedBytes();
        for (int e = 0; e < gate.length; e++) b += expertBytes(e);
        return b;
    }

    /** Bytes a token reads: the router, the shared experts and {@code used} experts (all are alike in size). */
    public long activeBytes(int used) {
        return router.byteSize() + sharedBytes() + used * expertBytes(0);
    }

    private long expertBytes(int e) {
        return gate[e].byteSize() + up[e].byteSize() + down[e].byteSize();
    }
}
