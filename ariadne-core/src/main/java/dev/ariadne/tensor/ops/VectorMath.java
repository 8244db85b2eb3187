package dev.ariadne.tensor.ops;

import dev.ariadne.quant.RowKernel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link ElementOps}: vector main loop, scalar tail. */
public final class VectorMath implements ElementOps {
    public static final VectorMath INSTANCE = new VectorMath();
    /** Values per group of {@link #groupSums}: the fused dot's {@link RowKernel#SUM_GROUP}. */
    private static final int G = RowKernel.SUM_GROUP;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    private VectorMath() {
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        // Two accumulators hide FMA latency for the short rows of attention (head_dim 64-128).
        FloatVector s0 = FloatVector.zero(F), s1 = s0;
        int i = 0;
        int bound2 = n - n % (2 * L);
        for (; i < bound2; i += 2 * L) {
            s0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), s0);
            s1 = FloatVector.fromArray(F, a, aOff + i + L).fma(FloatVector.fromArray(F, b, bOff + i + L), s1);
        }
        int bound = n - n % L;
        for (; i < bound; i += L) {
            s0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), s0);
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    @Override
    public void rmsNorm(float[] out, int outOff, float[] x, int xOff, float[] w, int n, float eps) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        int bound = n - n % L;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            acc = v.fma(v, acc);
        }
        double ss = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) ss += x[xOff + i] * x[xOff + i];
        float scale = (float) (1.0 / Math.sqrt(ss / n + eps));
        i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(F, x, xOff + i).mul(scale).mul(FloatVector.fromArray(F, w, i))
                    .intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = x[xOff + i] * scale * w[i];
    }

    @Override
    public void add(float[] dst, int dstOff, float[] src, int srcOff, int n) {
        int i = 0;
        int bound = n - n % L;
        for (; i < bound; i += L) {
            FloatVector.fromArray(F, dst, dstOff + i).add(FloatVector.fromArray(F, src, srcOff + i))
                    .intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) dst[dstOff + i] += src[srcOff + i];
    }

    @Override
    public void swiGlu(float[] gate, int gOff, float[] up, int uOff, int n) {
        int i = 0;
        int bound = n - n % L;
        for (; i < bound; i += L) {
            FloatVector g = FloatVector.fromArray(F, gate, gOff + i);
            FloatVector silu = g.div(g.neg().lanewise(VectorOperators.EXP).add(1f));
            silu.mul(FloatVector.fromArray(F, up, uOff + i)).intoArray(gate, gOff + i);
        }
        for (; i < n; i++) {
            float g = gate[gOff + i];
            gate[gOff + i] = g / (1f + (float) Math.exp(-g)) * up[uOff + i];
        }
    }

    @Override
    public void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        int bound = n - n % L;
        FloatVector av = FloatVector.broadcast(F, a);
        for (; i < bound; i += L) {
            FloatVector.fromArray(F, x, xOff + i).fma(av, FloatVector.fromArray(F, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += a * x[xOff + i];
    }

    @Override
    public void scale(float[] x, int off, int n, float s) {
        int i = 0;
        int bound = n - n % L;
        for (; i < bound; i += L) {
            FloatVector.fromArray(F, x, off + i).mul(s).intoArray(x, off + i);
        }
        for (; i < n; i++) x[off + i] *= s;
    }

    @Override
    public float expShiftedSum(float[] x, int off, int n, float max) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        int bound = n - n % L;
        for (; i < bound; i += L) {
            FloatVector e = FloatVector.fromArray(F, x, off + i).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(x, off + i);
            acc = acc.add(e);
        }
        double sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        return (float) sum;
    }

    @Override
    public float max(float[] x, int off, int n) {
        FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        int bound = n - n % L;
        for (; i < bound; i += L) {
            m = m.max(FloatVector.fromArray(F, x, off + i));
        }
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) r = Math.max(r, x[off + i]);
        return r;
    }

    @Override
    public void groupSums(float[] x, int xOff, int n, float[] sums, int sumsOff) {
        if (L > G || G % L != 0) {
            ScalarMath.INSTANCE.groupSums(x, xOff, n, sums, sumsOff);
            return;
        }
        for (int g = 0; g < n / G; g++) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + G * g);
            for (int i = L; i < G; i += L) v = v.add(FloatVector.fromArray(F, x, xOff + G * g + i));
            sums[sumsOff + g] = v.reduceLanes(VectorOperators.ADD);
        }
    }
}
