package dev.ariadne.quant;

import dev.ariadne.tensor.GGMLType;

import java.util.logging.Logger;

/**
 * Chooses, once per engine, between the Vector API kernels and their scalar twins (Lucene's VectorizationProvider
 * pattern). The scalar kernels are used when the preferred vector shape is narrower than 256 bits, where the widening
 * loads of packed formats have no matching species, or when asked for explicitly (tests, debugging); the reason is
 * logged.
 */
public final class KernelProvider {
    private static final Logger LOG = Logger.getLogger(KernelProvider.class.getName());

    private final boolean vectorized;
    private final String description;

    private KernelProvider(boolean vectorized, String description) {
        this.vectorized = vectorized;
        this.description = description;
    }

    /** The best available: Vector API where the CPU's preferred shape is at least 256 bits. */
    public static KernelProvider best() {
        int bits = VectorShapes.F.vectorBitSize();
        if (bits < 256) {
            String why = "preferred vector shape is " + bits + " bits (< 256); using scalar kernels";
            LOG.warning(why);
            return new KernelProvider(false, "scalar (" + why + ")");
        }
        return new KernelProvider(true, "Vector API, " + bits + "-bit float vectors (" + VectorShapes.LANES
                + " lanes)");
    }

    public static KernelProvider scalar() {
        return new KernelProvider(false, "scalar (requested)");
    }

    public boolean vectorized() {
        return vectorized;
    }

    public String description() {
        return description;
    }

    /** The row kernel for {@code type}; throws if the type is not supported. */
    public RowKernel kernel(GGMLType type) {
        WeightFormat f = WeightFormat.of(type);
        if (f == null) {
            throw new UnsupportedOperationException("weight type " + type + " is not supported (supported: "
                    + WeightFormat.supportedTypes() + ")");
        }
        return vectorized ? f.vector() : f.scalar();
    }
}
