package dev.ariadne.tensor.ops;

/**
 * The element-wise and reduction kernels of the forward pass over float activations. {@link ScalarMath} is the
 * reference; {@link VectorMath} the Vector API twin; the engine picks one through
 * {@link dev.ariadne.quant.KernelProvider}.
 */
public interface ElementOps {
    /** {@code sum_i a[aOff+i] * b[bOff+i]}. */
    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /** {@code out = x / sqrt(mean(x^2) + eps) * w}; out may alias x. */
    void rmsNorm(float[] out, int outOff, float[] x, int xOff, float[] w, int n, float eps);

    /** {@code dst += src}. */
    void add(float[] dst, int dstOff, float[] src, int srcOff, int n);

    /** {@code gate = silu(gate) * up} with {@code silu(g) = g / (1 + e^-g)}. */
    void swiGlu(float[] gate, int gOff, float[] up, int uOff, int n);

    /** {@code y += a * x}. */
    void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n);

    /** {@code x *= s}. */
    void scale(float[] x, int off, int n, float s);

    /** In place {@code x = exp(x - max(x))}; returns the sum of the exponentials (the caller normalizes). */
    float expShiftedSum(float[] x, int off, int n, float max);

    /** {@code max_i x[off+i]}. */
    float max(float[] x, int off, int n);

    /**
     * {@code sums[sumsOff + g] = sum_{i < 16} x[xOff + 16 g + i]} for the {@code n / 16} whole groups: the group
     * sums of {@link dev.ariadne.quant.RowKernel}'s fused dot.
     */
    void groupSums(float[] x, int xOff, int n, float[] sums, int sumsOff);
}
