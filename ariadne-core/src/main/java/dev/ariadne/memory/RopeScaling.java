package dev.ariadne.memory;

import dev.ariadne.json.JsonObject;

import java.util.Locale;
import java.util.Optional;

/**
 * The {@code rope_scaling} of a config, or the one a user passes with {@code --rope-scaling}. Only what sizing needs:
 * the type, the factor and the original context. Accepts {@code rope_type} or the older {@code type}.
 */
public record RopeScaling(String type, double factor, int originalMaxPositions) {

    public RopeScaling {
        type = type.toLowerCase(Locale.ROOT);
        if (factor <= 0) {
            throw new IllegalArgumentException("rope scaling factor must be positive, got " + factor);
        }
    }

    /** Reads a rope-scaling object; empty for {@code null} or {@code "default"}. */
    public static Optional<RopeScaling> from(JsonObject o) {
        String type = o.optString("rope_type").orElse(o.optString("type").orElse("default"));
        if (type.equalsIgnoreCase("default")) {
            return Optional.empty();
        }
        return Optional.of(new RopeScaling(type, o.getDouble("factor", 1.0),
                o.getInt("original_max_position_embeddings", 0)));
    }

    /** Parses the JSON a user passes to {@code --rope-scaling}. */
    public static Optional<RopeScaling> parse(String json) {
        return from(JsonObject.parse(json, "--rope-scaling"));
    }

    public boolean isYarn() {
        return type.equals("yarn") || type.equals("deepseek_yarn");
    }

    /**
     * vLLM's derived max-model-len ({@code config/model.py::_get_and_verify_max_len}): YaRN starts from the
     * original context, and every type but llama3 and longrope multiplies by the factor.
     */
    public int derivedMaxModelLen(int maxPositionEmbeddings) {
        if (type.equals("llama3") || type.equals("longrope") || type.equals("su")) {
            return maxPositionEmbeddings;
        }
        long base = isYarn() && originalMaxPositions > 0 ? originalMaxPositions : maxPositionEmbeddings;
        return (int) Math.min(Integer.MAX_VALUE, (long) (base * factor));
    }

    @Override
    public String toString() {
        return type + " x" + (factor == Math.rint(factor) ? String.valueOf((long) factor) : String.valueOf(factor))
                + (originalMaxPositions > 0 ? " from " + ByteSize.count(originalMaxPositions) : "");
    }
}
