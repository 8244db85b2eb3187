package dev.ariadne.kv;

import dev.ariadne.tensor.GGMLType;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How one cached vector (one head's K or V row of one token, or one MLA latent) is stored, and what it costs. The
 * engine stores every type; the planner counts the same bytes ({@link #vectorBytes}).
 *
 * <pre>
 * fp32          4 B per value
 * fp16, bf16    2 B per value
 * fp8           [fp32 scale][n x e4m3]      1 B per value + 4 B per vector; scale = max|x| / 448
 * int8          [fp32 scale][n x int8]      1 B per value + 4 B per vector; scale = max|x| / 127 (symmetric)
 * q8_0          ggml blocks of 32 values: f16 scale + 32 x int8       = 34 B (1.0625 B per value)
 * q4_0          ggml blocks of 32 values: f16 scale + 16 B of nibbles = 18 B (0.5625 B per value)
 * </pre>
 *
 * <p>{@code auto} resolves to fp32 for F32 weights and fp16 otherwise, which is what the llama.cpp reference runs use
 * (their default KV type is f16; the {@code kv_f32} runs use f32). q4_0 rows are stored Walsh-Hadamard rotated
 * ({@link #rotated}, {@link Hadamard}), as recent llama.cpp does for quantized KV: on the kit's qwen3 (p300, vs KV
 * f16) it brings the max |Δlogit| of q4_0 KV from 1.04 to 0.77 with ggml's block scale, 0.72 with the refitted one
 * of {@link Q4_0Rows} (llama.cpp: 0.76). q8_0 does not need it (0.051 unrotated, 0.053 rotated; llama.cpp 0.074),
 * nor do int8 and fp8, whose scale is per row.
 */
public enum KvCacheDType {
    FP32("fp32", GGMLType.F32, 4, 0, 1, false),
    FP16("fp16", GGMLType.F16, 2, 0, 1, false),
    BF16("bf16", GGMLType.BF16, 2, 0, 1, false),
    FP8("fp8", null, 1, 4, 1, false),
    INT8("int8", null, 1, 4, 1, false),
    Q8_0("q8_0", GGMLType.Q8_0, 34, 0, 32, false),
    Q4_0("q4_0", GGMLType.Q4_0, 18, 0, 32, true);

    /** The name the planner prints and {@code --kv-cache-dtype} accepts. */
    public final String label;
    /** The weight format whose row kernels read this type, or null where {@link KvRows} decodes it itself. */
    public final GGMLType storage;
    /** Bytes of one storage block ({@link #groupSize} values). */
    private final int blockBytes;
    /** Scale bytes added per stored vector (per token and head). */
    private final int scaleBytesPerVector;
    /** Values per storage block: 1 for plain types, 32 for the ggml block formats. */
    private final int groupSize;
    /** Whether rows are stored rotated by a Walsh-Hadamard transform (queries rotated alike, outputs rotated back). */
    public final boolean rotated;

    KvCacheDType(String label, GGMLType storage, int blockBytes, int scaleBytesPerVector, int groupSize,
                 boolean rotated) {
        this.label = label;
        this.storage = storage;
        this.blockBytes = blockBytes;
        this.scaleBytesPerVector = scaleBytesPerVector;
        this.groupSize = groupSize;
        this.rotated = rotated;
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

    /** Values per storage block (a row's length must be a multiple). */
    public int groupSize() {
        return groupSize;
    }

    /** The accepted {@code --kv-cache-dtype} values, for help texts and errors. */
    public static String accepted() {
        return "auto, " + Arrays.stream(values()).map(t -> t.label).collect(Collectors.joining(", "));
    }

    /**
     * Parses the spellings of vLLM, llama.cpp and Ariadne; {@code auto} is not a type (see {@link #resolve}).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static KvCacheDType parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "fp32", "float32", "float", "f32" -> FP32;
            case "fp16", "half", "float16", "f16" -> FP16;
            case "bf16", "bfloat16" -> BF16;
            case "fp8", "fp8_e4m3" -> FP8;
            case "int8" -> INT8;
            case "q8_0" -> Q8_0;
            case "q4_0" -> Q4_0;
            default -> throw new IllegalArgumentException("unsupported --kv-cache-dtype '" + text + "' (accepted: "
                    + accepted() + ")");
        };
    }

    /** A {@code --kv-cache-dtype} value for the engine: {@code auto} (or null) picks from the weight type. */
    public static KvCacheDType resolve(String value, GGMLType weightType) {
        if (value == null || value.equalsIgnoreCase("auto")) {
            return weightType == GGMLType.F32 ? FP32 : FP16;
        }
        return parse(value);
    }

    @Override
    public String toString() {
        return label;
    }
}
