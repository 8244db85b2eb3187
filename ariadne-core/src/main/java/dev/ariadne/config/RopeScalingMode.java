package dev.ariadne.config;

import java.util.Locale;

/**
 * When the model's rope scaling applies ({@code --rope-scaling-mode}). STATIC: to every request (vLLM and
 * llama.cpp, known to cost short prompts some quality, vllm#18728). PER_REQUEST, for YaRN only: a request whose
 * prompt plus max tokens fit the original context ({@code original_max_position_embeddings}) runs unscaled, a longer
 * one with YaRN, on the same weights; its choice is fixed at arrival and is part of its prefix-cache hashes. For
 * other scalings, or none, PER_REQUEST behaves as STATIC.
 */
public enum RopeScalingMode {
    STATIC,
    PER_REQUEST;

    public static RopeScalingMode parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "static" -> STATIC;
            case "per-request", "per_request" -> PER_REQUEST;
            default -> throw new IllegalArgumentException("--rope-scaling-mode must be static or per-request, found '"
                    + s + "'");
        };
    }

    /**
     * The longest request (prompt + max tokens) that runs unscaled under {@code scaling}: YaRN's original context in
     * PER_REQUEST mode, else 0 (every request runs with the model's scaling, or there is none).
     */
    public int unscaledUpTo(RotaryScaling scaling) {
        return this == PER_REQUEST && scaling.type() == RotaryScaling.Type.YARN ? scaling.originalContext() : 0;
    }
}
