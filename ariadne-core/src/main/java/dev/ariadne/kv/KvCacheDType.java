package dev.ariadne.kv;

import dev.ariadne.tensor.GGMLType;

import java.util.Locale;

/**
 * Element type of the KV cache. {@code auto} resolves to F32 for F32 weights and F16 otherwise, which is what the
 * llama.cpp reference runs use (their default KV type is f16; the {@code kv_f32} runs use f32).
 */
public enum KvCacheDType {
    F32(GGMLType.F32),
    F16(GGMLType.F16),
    BF16(GGMLType.BF16);

    public final GGMLType storage;

    KvCacheDType(GGMLType storage) {
        this.storage = storage;
    }

    public int bytesPerValue() {
        return storage.blockBytes;
    }

    /** Parses a {@code --kv-cache-dtype} value; {@code auto} (or null) picks from the weight type. */
    public static KvCacheDType parse(String value, GGMLType weightType) {
        String v = value == null ? "auto" : value.toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto" -> weightType == GGMLType.F32 ? F32 : F16;
            case "f32", "float32", "float" -> F32;
            case "f16", "fp16", "float16", "half" -> F16;
            case "bf16", "bfloat16" -> BF16;
            default -> throw new IllegalArgumentException("unsupported --kv-cache-dtype '" + value
                    + "' (expected auto, f32, f16 or bf16)");
        };
    }
}
