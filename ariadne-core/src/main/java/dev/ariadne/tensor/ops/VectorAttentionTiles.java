package dev.ariadne.tensor.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link AttentionTiles}. Both products are register-blocked 4 x 4 (sixteen accumulators, as the
 * matmul's prefill tile): the scores take four keys (broadcast scalars) times four lane-chunks of rows, so each loaded
 * query chunk serves four keys and each key value four chunks; the weighted sum takes four rows (broadcast weights)
 * times four lane-chunks of value columns. Neither needs a horizontal reduction. Requires {@code rp % LANES == 0}.
 */
public final class VectorAttentionTiles implements AttentionTiles {
    public static final VectorAttentionTiles INSTANCE = new VectorAttentionTiles();
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    private VectorAttentionTiles() {
    }

    @Override
    public void scores(float[] qT, int rp, float[] k, int kOff, int kStride, int kw, int n, float scale, float[] sT,
                       int sOff) {
        if (rp % L != 0) throw new IllegalArgumentException(rp + " rows are not a multiple of " + L + " lanes");
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            int k0 = kOff + j * kStride, s0 = sOff + j * rp;
            int r = 0;
            for (; r + 4 * L <= rp; r += 4 * L) scores4x4(qT, rp, r, k, k0, kStride, kw, scale, sT, s0);
            for (; r < rp; r += L) scores4x1(qT, rp, r, k, k0, kStride, kw, scale, sT, s0);
        }
        for (; j < n; j++) {
            int kj = kOff + j * kStride, sj = sOff + j * rp;
            for (int r = 0; r < rp; r += L) {
                FloatVector a = FloatVector.zero(F);
                for (int c = 0; c < kw; c++) {
                    a = FloatVector.fromArray(F, qT, c * rp + r).fma(FloatVector.broadcast(F, k[kj + c]), a);
                }
                a.mul(scale).intoArray(sT, sj + r);
            }
        }
    }

    /** Keys k0 .. k0 + 3 rows of k against rows r .. r + 4 LANES of qT. */
    private static void scores4x4(float[] qT, int rp, int r, float[] k, int k0, int kStride, int kw, float scale,
                                  float[] sT, int s0) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int k1 = k0 + kStride, k2 = k1 + kStride, k3 = k2 + kStride;
        for (int c = 0, q = r; c < kw; c++, q += rp) {
            FloatVector q0 = FloatVector.fromArray(F, qT, q);
            FloatVector q1 = FloatVector.fromArray(F, qT, q + L);
            FloatVector q2 = FloatVector.fromArray(F, qT, q + 2 * L);
            FloatVector q3 = FloatVector.fromArray(F, qT, q + 3 * L);
            FloatVector b = FloatVector.broadcast(F, k[k0 + c]);
            a00 = q0.fma(b, a00);
            a01 = q1.fma(b, a01);
            a02 = q2.fma(b, a02);
            a03 = q3.fma(b, a03);
            b = FloatVector.broadcast(F, k[k1 + c]);
            a10 = q0.fma(b, a10);
            a11 = q1.fma(b, a11);
            a12 = q2.fma(b, a12);
            a13 = q3.fma(b, a13);
            b = FloatVector.broadcast(F, k[k2 + c]);
            a20 = q0.fma(b, a20);
            a21 = q1.fma(b, a21);
            a22 = q2.fma(b, a22);
            a23 = q3.fma(b, a23);
            b = FloatVector.broadcast(F, k[k3 + c]);
            a30 = q0.fma(b, a30);
            a31 = q1.fma(b, a31);
            a32 = q2.fma(b, a32);
            a33 = q3.fma(b, a33);
        }
        int o = s0 + r;
        a00.mul(scale).intoArray(sT, o);
        a01.mul(scale).intoArray(sT, o + L);
        a02.mul(scale).intoArray(sT, o + 2 * L);
        a03.mul(scale).intoArray(sT, o + 3 * L);
        o += rp;
        a10.mul(scale).intoArray(sT, o);
        a11.mul(scale).intoArray(sT, o + L);
        a12.mul(scale).intoArray(sT, o + 2 * L);
        a13.mul(scale).intoArray(sT, o + 3 * L);
        o += rp;
        a20.mul(scale).intoArray(sT, o);
        a21.mul(scale).intoArray(sT, o + L);
        a22.mul(scale).intoArray(sT, o + 2 * L);
        a23.mul(scale).intoArray(sT, o + 3 * L);
        o += rp;
        a30.mul(scale).intoArray(sT, o);
        a31.mul(scale).intoArray(sT, o + L);
        a32.mul(scale).intoArray(sT, o + 2 * L);
        a33.mul(scale).intoArray(sT, o + 3 * L);
    }

    /** Keys k0 .. k0 + 3 against the one lane-chunk of rows r .. r + LANES. */
    private static void scores4x1(float[] qT, int rp, int r, float[] k, int k0, int kStride, int kw, float scale,
                                  float[] sT, int s0) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int k1 = k0 + kStride, k2 = k1 + kStride, k3 = k2 + kStride;
        for (int c = 0, q = r; c < kw; c++, q += rp) {
            FloatVector q0 = FloatVector.fromArray(F, qT, q);
            a0 = q0.fma(FloatVector.broadcast(F, k[k0 + c]), a0);
            a1 = q0.fma(FloatVector.broadcast(F, k[k1 + c]), a1);
            a2 = q0.fma(FloatVector.broadcast(F, k[k2 + c]), a2);
            a3 = q0.fma(FloatVector.broadcast(F, k[k3 + c]), a3);
        }
        a0.mul(scale).intoArray(sT, s0 + r);
        a1.mul(scale).intoArray(sT, s0 + rp + r);
        a2.mul(scale).intoArray(sT, s0 + 2 * rp + r);
        a3.mul(scale).intoArray(sT, s0 + 3 * rp + r);
    }

    @Override
    public void softmax(float[] sT, int rp, int n, float[] m, float[] l, float[] alpha) {
        if (rp % L != 0) throw new IllegalArgumentException(rp + " rows are not a multiple of " + L + " lanes");
        for (int r = 0; r < rp; r += L) {
            FloatVector mOld = FloatVector.fromArray(F, m, r);
            FloatVector mx = mOld;
            for (int j = 0, s = r; j < n; j++, s += rp) mx = mx.max(FloatVector.fromArray(F, sT, s));
            // Rows with nothing visible yet shift by 0: -inf - -inf would be NaN.
            FloatVector shift = mx.blend(0f, mx.eq(Float.NEGATIVE_INFINITY));
            FloatVector a = mOld.sub(shift).lanewise(VectorOperators.EXP);
            FloatVector sum = FloatVector.zero(F);
            for (int j = 0, s = r; j < n; j++, s += rp) {
                FloatVector e = FloatVector.fromArray(F, sT, s).sub(shift).lanewise(VectorOperators.EXP);
                e.intoArray(sT, s);
                sum = sum.add(e);
            }
            a.intoArray(alpha, r);
            FloatVector.fromArray(F, l, r).fma(a, sum).intoArray(l, r);
            mx.intoArray(m, r);
        }
    }

    @Override
    public void accumulate(float[] pT, int rp, int rows, int n, float[] v, int vStride, int vw, float[] alpha,
                           float[] out, int[] oOff) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int c = 0;
            for (; c + 4 * L <= vw; c += 4 * L) accumulate4x4(pT, rp, r, n, v, vStride, c, alpha, out, oOff);
            for (; c + L <= vw; c += L) accumulate4x1(pT, rp, r, n, v, vStride, c, alpha, out, oOff);
            for (; c < vw; c++) {
                for (int i = 0; i < 4; i++) accumulateScalar(pT, rp, r + i, n, v, vStride, c, alpha, out, oOff);
            }
        }
        for (; r < rows; r++) {
            int o = oOff[r];
            FloatVector a = FloatVector.broadcast(F, alpha[r]);
            int c = 0;
            for (; c + L <= vw; c += L) {
                FloatVector acc = FloatVector.fromArray(F, out, o + c).mul(a);
                for (int j = 0, p = r, vj = c; j < n; j++, p += rp, vj += vStride) {
                    acc = FloatVector.fromArray(F, v, vj).fma(FloatVector.broadcast(F, pT[p]), acc);
                }
                acc.intoArray(out, o + c);
            }
            for (; c < vw; c++) accumulateScalar(pT, rp, r, n, v, vStride, c, alpha, out, oOff);
        }
    }

    private static void accumulateScalar(float[] pT, int rp, int r, int n, float[] v, int vStride, int c,
                                         float[] alpha, float[] out, int[] oOff) {
        float acc = out[oOff[r] + c] * alpha[r];
        for (int j = 0; j < n; j++) acc += pT[j * rp + r] * v[j * vStride + c];
        out[oOff[r] + c] = acc;
    }

    /** Rows r .. r + 3 times the one lane-chunk of value columns c .. c + LANES. */
    private static void accumulate4x1(float[] pT, int rp, int r, int n, float[] v, int vStride, int c, float[] alpha,
                                      float[] out, int[] oOff) {
        int o0 = oOff[r] + c, o1 = oOff[r + 1] + c, o2 = oOff[r + 2] + c, o3 = oOff[r + 3] + c;
        FloatVector a0 = FloatVector.fromArray(F, out, o0).mul(alpha[r]);
        FloatVector a1 = FloatVector.fromArray(F, out, o1).mul(alpha[r + 1]);
        FloatVector a2 = FloatVector.fromArray(F, out, o2).mul(alpha[r + 2]);
        FloatVector a3 = FloatVector.fromArray(F, out, o3).mul(alpha[r + 3]);
        for (int j = 0, p = r, vj = c; j < n; j++, p += rp, vj += vStride) {
            FloatVector v0 = FloatVector.fromArray(F, v, vj);
            a0 = v0.fma(FloatVector.broadcast(F, pT[p]), a0);
            a1 = v0.fma(FloatVector.broadcast(F, pT[p + 1]), a1);
            a2 = v0.fma(FloatVector.broadcast(F, pT[p + 2]), a2);
            a3 = v0.fma(FloatVector.broadcast(F, pT[p + 3]), a3);
        }
        a0.intoArray(out, o0);
        a1.intoArray(out, o1);
        a2.intoArray(out, o2);
        a3.intoArray(out, o3);
    }

    /** Rows r .. r + 3 times value columns c .. c + 4 LANES, over the tile's n keys. */
    private static void accumulate4x4(float[] pT, int rp, int r, int n, float[] v, int vStride, int c, float[] alpha,
                                      float[] out, int[] oOff) {
        int o0 = oOff[r] + c, o1 = oOff[r + 1] + c, o2 = oOff[r + 2] + c, o3 = oOff[r + 3] + c;
        FloatVector x = FloatVector.broadcast(F, alpha[r]);
        FloatVector a00 = FloatVector.fromArray(F, out, o0).mul(x);
        FloatVector a01 = FloatVector.fromArray(F, out, o0 + L).mul(x);
        FloatVector a02 = FloatVector.fromArray(F, out, o0 + 2 * L).mul(x);
        FloatVector a03 = FloatVector.fromArray(F, out, o0 + 3 * L).mul(x);
        x = FloatVector.broadcast(F, alpha[r + 1]);
        FloatVector a10 = FloatVector.fromArray(F, out, o1).mul(x);
        FloatVector a11 = FloatVector.fromArray(F, out, o1 + L).mul(x);
        FloatVector a12 = FloatVector.fromArray(F, out, o1 + 2 * L).mul(x);
        FloatVector a13 = FloatVector.fromArray(F, out, o1 + 3 * L).mul(x);
        x = FloatVector.broadcast(F, alpha[r + 2]);
        FloatVector a20 = FloatVector.fromArray(F, out, o2).mul(x);
        FloatVector a21 = FloatVector.fromArray(F, out, o2 + L).mul(x);
        FloatVector a22 = FloatVector.fromArray(F, out, o2 + 2 * L).mul(x);
        FloatVector a23 = FloatVector.fromArray(F, out, o2 + 3 * L).mul(x);
        x = FloatVector.broadcast(F, alpha[r + 3]);
        FloatVector a30 = FloatVector.fromArray(F, out, o3).mul(x);
        FloatVector a31 = FloatVector.fromArray(F, out, o3 + L).mul(x);
        FloatVector a32 = FloatVector.fromArray(F, out, o3 + 2 * L).mul(x);
        FloatVector a33 = FloatVector.fromArray(F, out, o3 + 3 * L).mul(x);
        for (int j = 0, p = r, vj = c; j < n; j++, p += rp, vj += vStride) {
            FloatVector v0 = FloatVector.fromArray(F, v, vj);
            FloatVector v1 = FloatVector.fromArray(F, v, vj + L);
            FloatVector v2 = FloatVector.fromArray(F, v, vj + 2 * L);
            FloatVector v3 = FloatVector.fromArray(F, v, vj + 3 * L);
            FloatVector w = FloatVector.broadcast(F, pT[p]);
            a00 = v0.fma(w, a00);
            a01 = v1.fma(w, a01);
            a02 = v2.fma(w, a02);
            a03 = v3.fma(w, a03);
            w = FloatVector.broadcast(F, pT[p + 1]);
            a10 = v0.fma(w, a10);
            a11 = v1.fma(w, a11);
            a12 = v2.fma(w, a12);
            a13 = v3.fma(w, a13);
            w = FloatVector.broadcast(F, pT[p + 2]);
            a20 = v0.fma(w, a20);
            a21 = v1.fma(w, a21);
            a22 = v2.fma(w, a22);
            a23 = v3.fma(w, a23);
            w = FloatVector.broadcast(F, pT[p + 3]);
            a30 = v0.fma(w, a30);
            a31 = v1.fma(w, a31);
            a32 = v2.fma(w, a32);
            a33 = v3.fma(w, a33);
        }
        a00.intoArray(out, o0);
        a01.intoArray(out, o0 + L);
        a02.intoArray(out, o0 + 2 * L);
        a03.intoArray(out, o0 + 3 * L);
        a10.intoArray(out, o1);
        a11.intoArray(out, o1 + L);
        a12.intoArray(out, o1 + 2 * L);
        a13.intoArray(out, o1 + 3 * L);
        a20.intoArray(out, o2);
        a21.intoArray(out, o2 + L);
        a22.intoArray(out, o2 + 2 * L);
        a23.intoArray(out, o2 + 3 * L);
        a30.intoArray(out, o3);
        a31.intoArray(out, o3 + L);
        a32.intoArray(out, o3 + 2 * L);
        a33.intoArray(out, o3 + 3 * L);
    }
}
