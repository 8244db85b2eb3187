package dev.ariadne.memory;

import java.util.Locale;

/**
 * How one cached vector (one head's K or V for one token, or one MLA latent) is stored, and what it costs.
 *
 * <pre>
 * fp16, bf16   2 B per value
 * fp32         4 B per value
 * fp8          1 B per value; scales per tensor (vLLM --kv-cache-dtype fp8), nothing per token
 * int8         1 B per value + one fp32 scale per token and head
 * q8_0         ggml blocks of 32 values: fp16 scale + 32 x int8      = 34 B (1.0625 B per value)
 * q4_0         ggml blocks of 32 values: fp16 scale + 16 B of nibbles = 18 B (0.5625 B per value)
 * </pre>
 */
public enum KvCacheDtype {
    FP16("fp16", 2, 0, 1),
    BF16("bf16", 2, 0, 1),
    FP32("fp32", 4, 0, 1),
    FP8("fp8", 1, 0, 1),
    INT8("int8", 1, 4, 1),
    Q8_0("q8_0", 34, 0, 32),
    Q4_0("q4_0", 18, 0, 32);

    /** The name the planner prints and accepts. */
    public final String label;
    /** Bytes of one storage block ({@link #groupSize} values). */
    private final int blockBytes;
    /** Scale bytes added per stored vector (per token and head). */
    private final int scaleBytesPerVector;
    /** Values per storage block: 1 for plain types, 32 for the ggml block formats. */
    private final int groupSize;

    KvCacheDtype(String label, int blockBytes, int scaleBytesPerVector, int groupSize) {
        this.label = label;
        this.blockBytes = blockBytes;
        this.scaleBytesPerVector = scaleBytesPerVector;
        this.groupSize = groupSize;
    }

    /** Bytes of one cached vector of {@code length} values, scales included. */
    public long vectorBytes(int length) {
        if (length % groupSize != 0) {
            throw new IllegalArgumentException(label + " KV stores blocks of " + groupSize + " values; a vector of "
                    + length + " values does not divide into them");
        }
        return (long) length / groupSize * blockBytes + scaleBytesPerVector;
    }

    /** Average bytes per value, scales of a {@code length}-value vector included. */
    public double bytesPerValue(int length) {
        return vectorBytes(length) / (double) length;
    }

    /** The planner's name for a KV type the engine stores ({@link dev.ariadne.kv.KvCacheDType}). */
    public static KvCacheDtype of(dev.ariadne.kv.KvCacheDType engine) {
        return switch (engine) {
            case F32 -> FP32;
            case F16 -> FP16;
            case BF16 -> BF16;
        };
    }

    /** Parses the spellings of vLLM, llama.cpp and Ariadne; {@code auto} is resolved by the caller. */
    public static KvCacheDtype parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "fp16", "half", "float16", "f16" -> FP16;
            case "bf16", "bfloat16" -> BF16;
            case "fp32", "float32", "float", "f32" -> FP32;
            case "fp8", "fp8_e4m3", "fp8_e5m2", "fp8_inc" -> FP8;
            case "int8" -> INT8;
            case "q8_0" -> Q8_0;
            case "q4_0" -> Q4_0;
            default -> throw new IllegalArgumentException("unknown KV cache dtype '" + text
                    + "' (use auto, fp16, bf16, fp32, fp8, int8, q8_0 or q4_0)");
        };
    }

    @Override
    public String toString() {
        return label;
    }
}
