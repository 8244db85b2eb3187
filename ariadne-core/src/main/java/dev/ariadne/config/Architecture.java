package dev.ariadne.config;

import java.util.Locale;

/**
 * The decoder architectures Ariadne runs, with what distinguishes them in the forward pass. Names are GGUF's
 * {@code general.architecture} values; Hugging Face {@code model_type} values map to the same names.
 */
public enum Architecture {
    /** Llama 2/3 and stories260K: no biases, no q/k norm. */
    LLAMA("llama", false, false),
    /** Qwen2 / Qwen2.5: q/k/v projection biases. */
    QWEN2("qwen2", true, false),
    /** Qwen3 dense: per-head RMSNorm on q and k, head_dim independent of the hidden size. */
    QWEN3("qwen3", false, true);

    public final String ggufName;
    public final boolean qkvBias;
    public final boolean qkNorm;

    Architecture(String ggufName, boolean qkvBias, boolean qkNorm) {
        this.ggufName = ggufName;
        this.qkvBias = qkvBias;
        this.qkNorm = qkNorm;
    }

    /** The architecture named {@code name} (GGUF architecture or HF model_type), or null if unknown. */
    public static Architecture byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (Architecture a : values()) {
            if (a.ggufName.equals(n)) {
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
