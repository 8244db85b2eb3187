package dev.ariadne.quant;

import dev.ariadne.tensor.GGMLType;

import java.util.EnumMap;
import java.util.Map;

/**
 * The weight formats Ariadne computes with: for each ggml type, its scalar kernel (the test oracle), its Vector API
 * kernel and its quantizer. A type missing here is unsupported, and loading a tensor of it fails with a clear error.
 */
public record WeightFormat(GGMLType type, RowKernel scalar, RowKernel vector, Quantizer quantizer) {

    private static final Map<GGMLType, WeightFormat> FORMATS = new EnumMap<>(GGMLType.class);

    static {
        register(new WeightFormat(GGMLType.F32, F32.SCALAR, F32.VECTOR, F32.QUANTIZER));
        register(new WeightFormat(GGMLType.F16, F16.SCALAR, F16.VECTOR, F16.QUANTIZER));
        register(new WeightFormat(GGMLType.BF16, BF16.SCALAR, BF16.VECTOR, BF16.QUANTIZER));
        register(new WeightFormat(GGMLType.Q8_0, Q8_0.SCALAR, Q8_0.VECTOR, Q8_0.QUANTIZER));
        register(new WeightFormat(GGMLType.Q4_0, Q4_0.SCALAR, Q4_0.VECTOR, Q4_0.QUANTIZER));
        register(new WeightFormat(GGMLType.Q5_0, Q5_0.SCALAR, Q5_0.VECTOR, Q5_0.QUANTIZER));
        register(new WeightFormat(GGMLType.Q4_K, Q4_K.SCALAR, Q4_K.VECTOR, Q4_K.QUANTIZER));
        register(new WeightFormat(GGMLType.Q5_K, Q5_K.SCALAR, Q5_K.VECTOR, Q5_K.QUANTIZER));
        register(new WeightFormat(GGMLType.Q6_K, Q6_K.SCALAR, Q6_K.VECTOR, Q6_K.QUANTIZER));
    }

    private static void register(WeightFormat f) {
        FORMATS.put(f.type(), f);
    }

    /** The format for {@code type}, or null when Ariadne cannot compute with it. */
    public static WeightFormat of(GGMLType type) {
        return FORMATS.get(type);
    }

    public static boolean isSupported(GGMLType type) {
        return FORMATS.containsKey(type);
    }

    public static java.util.Set<GGMLType> supportedTypes() {
        return FORMATS.keySet();
    }

    /** C's roundf: halves go away from zero (Math.round sends -2.5 to -2, roundf to -3). */
    public static int roundHalfAway(float v) {
        return (int) (v < 0 ? -Math.floor(-v + 0.5f) : Math.floor(v + 0.5f));
    }
}
