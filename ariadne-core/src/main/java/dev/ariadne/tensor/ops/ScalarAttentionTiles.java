package dev.ariadne.tensor.ops;

/** The reference {@link AttentionTiles}: plain loops, the oracle of {@link VectorAttentionTiles}. */
public final class ScalarAttentionTiles implements AttentionTiles {
    public static final ScalarAttentionTiles INSTANCE = new ScalarAttentionTiles();

    private ScalarAttentionTiles() {
    }

    @Override
    public void scores(float[] qT, int rp, float[] k, int kOff, int kStride, int kw, int n, float scale, float[] sT,
                       int sOff) {
        for (int j = 0; j < n; j++) {
            int kj = kOff + j * kStride;
            for (int r = 0; r < rp; r++) {
                float dot = 0f;
                for (int c = 0; c < kw; c++) dot += k[kj + c] * qT[c * rp + r];
                sT[sOff + j * rp + r] = dot * scale;
            }
        }
    }

    @Override
    public void softmax(float[] sT, int rp, int n, float[] m, float[] l, float[] alpha) {
        for (int r = 0; r < rp; r++) {
            float mx = m[r];
            for (int j = 0; j < n; j++) mx = Math.max(mx, sT[j * rp + r]);
            float shift = mx == Float.NEGATIVE_INFINITY ? 0f : mx;
            float a = (float) Math.exp(m[r] - shift);
            float sum = 0f;
            for (int j = 0; j < n; j++) {
                float e = (float) Math.exp(sT[j * rp + r] - shift);
                sT[j * rp + r] = e;
                sum += e;
            }
            alpha[r] = a;
            l[r] = l[r] * a + sum;
            m[r] = mx;
        }
    }

    @Override
    public void accumulate(float[] pT, int rp, int rows, int n, float[] v, int vStride, int vw, float[] alpha,
                           float[] out, int[] oOff) {
        for (int r = 0; r < rows; r++) {
            int o = oOff[r];
            float a = alpha[r];
            for (int c = 0; c < vw; c++) {
                float acc = out[o + c] * a;
                for (int j = 0; j < n; j++) acc += pT[j * rp + r] * v[j * vStride + c];
                out[o + c] = acc;
            }
        }
    }
}
