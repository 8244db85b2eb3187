package dev.ariadne.memory;

import dev.ariadne.kv.KvCacheDType;

import java.util.Locale;

/**
 * The storage type of a model's weights when they are counted from {@code config.json} ({@code --dtype}). A GGUF
 * file needs none: its tensors carry their own types.
 *
 * <pre>
 *            matrices        embeddings / lm_head    norms, biases, router
 * half, bf16 2 B             2 B                     2 B
 * fp32       4 B             4 B                     4 B
 * fp8        1 B (+ scale)   2 B (vLLM keeps them)   2 B
 * q8_0       34 B / 32       34 B / 32               4 B (ggml keeps 1-D tensors in f32)
 * q4_0       18 B / 32       18 B / 32               4 B
 * </pre>
 */
public enum WeightDtype {
    HALF("half", 2, 1),
    BF16("bf16", 2, 1),
    FP32("fp32", 4, 1),
    FP8("fp8", 1, 1),
    Q8_0("q8_0", 34, 32),
    Q4_0("q4_0", 18, 32);

    public final String label;
    private final int blockBytes;
    private final int groupSize;

    WeightDtype(String label, int blockBytes, int groupSize) {
        this.label = label;
        this.blockBytes = blockBytes;
        this.groupSize = groupSize;
    }

    /** Bytes of {@code elements} values of a tensor of the given kind. */
    public long bytes(PlannedTensor.Kind kind, long elements) {
        return switch (this) {
            case HALF, BF16 -> elements * 2;
            case FP32 -> elements * 4;
            case FP8 -> kind == PlannedTensor.Kind.MATRIX ? elements : elements * 2;
            case Q8_0, Q4_0 -> kind == PlannedTensor.Kind.VECTOR || kind == PlannedTensor.Kind.ROUTER
                    ? elements * 4
                    : Math.ceilDiv(elements, groupSize) * blockBytes;
        };
    }

    /** The 16-bit type activations (and an {@code auto} KV cache) use with these weights. */
    public KvCacheDType activationType() {
        return this == BF16 ? KvCacheDType.BF16 : KvCacheDType.FP16;
    }

    /** Bytes per activation value on a GPU (16-bit activations whatever the weight storage). */
    public int activationBytes() {
        return this == FP32 ? 4 : 2;
    }

    public static WeightDtype parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "half", "fp16", "float16", "f16" -> HALF;
            case "bf16", "bfloat16" -> BF16;
            case "fp32", "float32", "float", "f32" -> FP32;
            case "fp8" -> FP8;
            case "q8_0" -> Q8_0;
            case "q4_0" -> Q4_0;
            default -> throw new IllegalArgumentException("unknown dtype '" + text
                    + "' (use auto, half, bf16, fp32, fp8, q8_0 or q4_0)");
        };
    }

    /** vLLM's {@code --dtype auto}: bf16 checkpoints stay bf16; fp16 and fp32 checkpoints run in half. */
    public static WeightDtype auto(String torchDtype) {
        return torchDtype != null && torchDtype.toLowerCase(Locale.ROOT).contains("bfloat16") ? BF16 : HALF;
    }

    @Override
    public String toString() {
        return label;
    }
}
