package dev.ariadne.model;

import dev.ariadne.tensor.Linear;

/**
 * One layer's multi-head latent attention weights (DeepSeek-V2/V3), as llama.cpp's current deepseek2 GGUF layout
 * stores them; H heads, R = kv_lora_rank, N = qk_nope_head_dim, P = qk_rope_head_dim, V = v_head_dim.
 *
 * <pre>
 * queries   q = wq x                      (no q_lora: LayerWeights.wq [H * (N + P), hidden])
 *           q = qB rmsNorm(qA x, qANorm)   (q_lora: qA [Q, hidden], qANorm [Q], qB [H * (N + P), Q])
 * latent    [c_kv | k_pe] = kvA x           kvA [R + P, hidden] (attn_kv_a_mqa); c_kv normed by kvANorm [R]
 * per head  kB[h] [R, N]  (attn_k_b, ne [N, R, H]):  q_nope absorbed into latent space: q_lat = kB[h] q_nope
 *           vB[h] [V, R]  (attn_v_b, ne [R, V, H]):  head output from the latent one:  o_h = vB[h] o_lat
 * </pre>
 *
 * kB and vB are views of slices of the mapped tensors, no copy.
 */
public record MlaWeights(Linear qA, float[] qANorm, Linear qB, Linear kvA, float[] kvANorm, Linear[] kB,
                         Linear[] vB) {

    /** Bytes of the mapped linear weights. */
    long linearBytes() {
        long b = kvA.byteSize();
        if (qA != null) b += qA.byteSize() + qB.byteSize();
        for (int h = 0; h < kB.length; h++) b += kB[h].byteSize() + vB[h].byteSize();
        return b;
    }
}
