package dev.ariadne.config;

import java.util.Locale;

/**
 * The decoder architectures Ariadne runs, with what distinguishes them in the forward pass. Names are GGUF's
 * {@code general.architecture} values; Hugging Face {@code model_type} values map to the same names.
 */
public enum Architecture {
    /** Llama 2/3 and stories260K: no biases, no q/k norm. */
    LLAMA("llama", "llama", false, false, false, false),
    /** Qwen2 / Qwen2.5: q/k/v projection biases. */
    QWEN2("qwen2", "qwen2", true, false, false, false),
    /** Qwen3 dense: per-head RMSNorm on q and k, head_dim independent of the hidden size. */
    QWEN3("qwen3", "qwen3", false, true, false, false),
    /** Qwen3-MoE: Qwen3 attention; every layer's MLP is routed top-k SwiGLU experts, no shared expert. */
    QWEN3MOE("qwen3moe", "qwen3_moe", false, true, true, false),
    /**
     * DeepSeek-V2/V3: multi-head latent attention ({@link MlaConfig}), leading dense layers, then routed experts
     * with shared experts. HF model_type deepseek_v2; deepseek_v3 is the same graph (llama.cpp reads both as
     * deepseek2).
     */
    DEEPSEEK2("deepseek2", "deepseek_v2", false, false, true, true);

    public final String ggufName;
    /** The Hugging Face {@code model_type}. */
    public final String hfName;
    public final boolean qkvBias;
    public final boolean qkNorm;
    /** Mixture-of-experts MLP ({@link MoeConfig}). */
    public final boolean moe;
    /** Multi-head latent attention ({@link MlaConfig}). */
    public final boolean mla;

    Architecture(String ggufName, String hfName, boolean qkvBias, boolean qkNorm, boolean moe, boolean mla) {
        this.ggufName = ggufName;
        this.hfName = hfName;
        this.qkvBias = qkvBias;
        this.qkNorm = qkNorm;
        this.moe = moe;
        this.mla = mla;
    }

    /** The architecture named {@code name} (GGUF architecture or HF model_type), or null if unknown. */
    public static Architecture byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("deepseek_v3")) return DEEPSEEK2;
        for (Architecture a : values()) {
            if (a.ggufName.equals(n) || a.hfName.equals(n)) {
                return a;
            }
        }
        return null;
    }

    public static String supportedNames() {
        StringBuilder sb = new StringBuilder();
        for (Architecture a : values()) {
            if (!sb.isEmpty()) sb.append(", ");
            sb.append(a.ggufName);
        }
        return sb.toString();
    }
}
