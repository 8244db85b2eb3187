package dev.ariadne.tensor.ops;

import dev.ariadne.quant.RowKernel;

/** The scalar reference of {@link ElementOps}: plain loops, the oracle of the differential tests. */
public final class ScalarMath implements ElementOps {
    public static final ScalarMath INSTANCE = new ScalarMath();
    /** Values per group of {@link #groupSums}: the fused dot's {@link RowKernel#SUM_GROUP}. */
    private static final int G = RowKernel.SUM_GROUP;

    private ScalarMath() {
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    @Override
    public void rmsNorm(float[] out, int outOff, float[] x, int xOff, float[] w, int n, float eps) {
        double ss = 0; // ggml sums squares in double
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            ss += v * v;
        }
        float scale = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] * scale * w[i];
        }
    }

    @Override
    public void add(float[] dst, int dstOff, float[] src, int srcOff, int n) {
        for (int i = 0; i < n; i++) dst[dstOff + i] += src[srcOff + i];
    }

    @Override
    public void swiGlu(float[] gate, int gOff, float[] up, int uOff, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[gOff + i];
            gate[gOff + i] = g / (1f + (float) Math.exp(-g)) * up[uOff + i];
        }
    }

    @Override
    public void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] += a * x[xOff + i];
    }

    @Override
    public void scale(float[] x, int off, int n, float s) {
        for (int i = 0; i < n; i++) x[off + i] *= s;
    }

    @Override
    public float expShiftedSum(float[] x, int off, int n, float max) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        return (float) sum;
    }

    @Override
    public float max(float[] x, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) m = Math.max(m, x[off + i]);
        return m;
    }

    @Override
    public void groupSums(float[] x, int xOff, int n, float[] sums, int sumsOff) {
        for (int g = 0; g < n / G; g++) {
            float s = 0f;
            for (int i = 0; i < G; i++) s += x[xOff + G * g + i];
            sums[sumsOff + g] = s;
        }
    }
}
