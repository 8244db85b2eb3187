package dev.ariadne.config;

import java.util.Locale;

/**
 * How a model stretches its rotary embedding past the context it was trained on: config.json's {@code rope_scaling}
 * (or transformers v5 {@code rope_parameters}), or GGUF's {@code <arch>.rope.scaling.*}. Formulas:
 * ../shared/docs/LONG-CONTEXT.md section 2 (transformers {@code modeling_rope_utils.py}, vLLM
 * {@code rotary_embedding/}).
 *
 * @param type            NONE, LINEAR (positions divided by factor), DYNAMIC (vLLM's static NTK base change), YARN,
 *                        LLAMA3
 * @param factor          the scaling factor s
 * @param originalContext the context the model was trained on (YaRN's and llama3's L); 0 when not given
 * @param attentionFactor YaRN's magnitude scale of cos and sin; NaN: derived ({@link #yarnAttentionFactor()})
 */
public record RotaryScaling(Type type, double factor, int originalContext, double betaFast, double betaSlow,
                            double attentionFactor, double mscale, double mscaleAllDim, boolean truncate,
                            double lowFreqFactor, double highFreqFactor) {

    public enum Type { NONE, LINEAR, DYNAMIC, YARN, LLAMA3 }

    public static final RotaryScaling NONE = new RotaryScaling(Type.NONE, 1, 0, 32, 1, Double.NaN, 0, 0, true, 1, 4);

    public RotaryScaling {
        if (!(factor > 0)) throw new IllegalArgumentException("rope scaling factor must be positive, found " + factor);
        if (type == Type.YARN && originalContext <= 0) {
            throw new IllegalArgumentException("yarn rope scaling needs original_max_position_embeddings");
        }
        if (type == Type.LLAMA3 && (originalContext <= 0 || !(highFreqFactor > lowFreqFactor))) {
            throw new IllegalArgumentException("llama3 rope scaling needs original_max_position_embeddings and"
                    + " high_freq_factor > low_freq_factor");
        }
    }

    /** YaRN with the defaults (beta_fast 32, beta_slow 1, derived attention factor, truncated bounds). */
    public static RotaryScaling yarn(double factor, int originalContext) {
        return new RotaryScaling(Type.YARN, factor, originalContext, 32, 1, Double.NaN, 0, 0, true, 1, 4);
    }

    public static RotaryScaling linear(double factor) {
        return new RotaryScaling(Type.LINEAR, factor, 0, 32, 1, Double.NaN, 0, 0, true, 1, 4);
    }

    /** The type from its config name ({@code rope_type} or {@code type}); {@code default} is NONE. */
    public static Type typeNamed(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "default", "none" -> Type.NONE;
            case "linear" -> Type.LINEAR;
            case "dynamic" -> Type.DYNAMIC;
            case "yarn", "deepseek_yarn" -> Type.YARN;
            case "llama3" -> Type.LLAMA3;
            default -> throw new IllegalArgumentException("unsupported rope scaling type '" + name
                    + "' (supported: linear, dynamic, yarn, llama3)");
        };
    }

    /**
     * From a config's {@code rope_scaling} object (or transformers v5 {@code rope_parameters}): {@code rope_type} or
     * the older {@code type}, with each type's fields and transformers' defaults; NONE for {@code default}.
     */
    public static RotaryScaling fromConfig(dev.ariadne.json.JsonObject o) {
        Type t = typeNamed(o.optString("rope_type").orElse(o.optString("type").orElse("default")));
        if (t == Type.NONE) return NONE;
        return new RotaryScaling(t, o.getDouble("factor", 1.0), o.getInt("original_max_position_embeddings", 0),
                o.getDouble("beta_fast", 32), o.getDouble("beta_slow", 1),
                o.has("attention_factor") && o.raw("attention_factor") != null ? o.getDouble("attention_factor")
                        : Double.NaN,
                o.getDouble("mscale", 0), o.getDouble("mscale_all_dim", 0), o.getBoolean("truncate", true),
                o.getDouble("low_freq_factor", 1), o.getDouble("high_freq_factor", 4));
    }

    public boolean isNone() {
        return type == Type.NONE;
    }

    /**
     * The longest context the scaling covers (vLLM's derived max-model-len): YaRN from the original context, llama3
     * not at all beyond the stated one, the others multiply the stated context by the factor.
     */
    public int coveredContext(int statedContext) {
        long covered = switch (type) {
            case NONE, LLAMA3 -> statedContext;
            case YARN -> (long) (originalContext * factor);
            case LINEAR, DYNAMIC -> (long) (statedContext * factor);
        };
        return (int) Math.min(Integer.MAX_VALUE, covered);
    }

    /**
     * YaRN's scale of cos and sin: the given attention factor; else mscale(s, mscale) / mscale(s, mscale_all_dim)
     * when mscale is given (DeepSeek); else 0.1 ln s + 1 (1 for s ≤ 1).
     */
    public double yarnAttentionFactor() {
        if (!Double.isNaN(attentionFactor)) return attentionFactor;
        if (mscale != 0 && mscaleAllDim != 0) return yarnMscale(factor, mscale) / yarnMscale(factor, mscaleAllDim);
        return yarnMscale(factor, 1);
    }

    /**
     * DeepSeek's YaRN factor on the attention scores: {@code softmax_scale *= mscale(s, mscale_all_dim)^2} (HF
     * DeepseekV2Attention; llama.cpp's deepseek2 {@code kq_scale} with {@code rope.scaling.yarn_log_multiplier =
     * 0.1 mscale_all_dim}). 1 without YaRN or without mscale_all_dim.
     */
    public double yarnScoreFactor() {
        if (type != Type.YARN || mscaleAllDim == 0) return 1;
        double m = yarnMscale(factor, mscaleAllDim);
        return m * m;
    }

    private static double yarnMscale(double s, double m) {
        return s <= 1 ? 1 : 0.1 * m * Math.log(s) + 1;
    }

    @Override
    public String toString() {
        if (type == Type.NONE) return "none";
        return type.name().toLowerCase(Locale.ROOT) + " x" + factor
                + (originalContext > 0 ? " from " + originalContext : "");
    }
}
