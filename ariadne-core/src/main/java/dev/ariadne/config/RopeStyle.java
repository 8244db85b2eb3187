package dev.ariadne.config;

/**
 * Which dimensions of a head rotate together. llama.cpp's "normal" rotates adjacent pairs (2i, 2i+1), which is what
 * GGUF llama files need because the converter permuted their q/k rows; "neox" (Hugging Face rotate_half) rotates
 * (i, i + d/2), used by Qwen and by unpermuted Hugging Face llama weights.
 */
public enum RopeStyle {
    NORMAL,
    NEOX
}
