package dev.ariadne.tensor.ops;

/**
 * The register-blocked kernels of blocked (prefill) attention: one key tile of {@code n} positions against a block
 * of {@code rows} query rows (consecutive queries times the query heads that share a KV head), on keys and values
 * already widened to floats. Scores are kept transposed, {@code sT[j * rp + r]}, so that the softmax of every row runs
 * across vector lanes and the weighted sum reads each row's weights of one key as consecutive scalars.
 * {@link ScalarAttentionTiles} is the reference; {@link VectorAttentionTiles} the Vector API twin.
 *
 * <pre>
 * qT  [kw][rp]   the block's queries, transposed; rows r &gt;= rows are zero (rp: rows rounded up to the lanes)
 * k   [n][kStride], v [n][vStride]   the tile's widened key and value rows
 * sT  [n][rp]    scale * K qT, then exp(s - m) after {@link #softmax}
 * out            row r's output at out[oOff[r] ..], vw values
 * </pre>
 */
public interface AttentionTiles {
    /** {@code sT[sOff + j*rp + r] = scale * sum_c k[kOff + j*kStride + c] * qT[c*rp + r]} for j &lt; n, r &lt; rp. */
    void scores(float[] qT, int rp, float[] k, int kOff, int kStride, int kw, int n, float scale, float[] sT, int sOff);

    /**
     * One online-softmax step over the tile, for every row r &lt; rp: {@code m' = max(m[r], max_j sT[j][r])},
     * {@code alpha[r] = exp(m[r] - m')}, {@code sT[j][r] = exp(sT[j][r] - m')}, {@code l[r] = l[r] * alpha[r] +
     * sum_j sT[j][r]}, {@code m[r] = m'}. Masked scores are -infinity; a row with no unmasked score yet gets
     * weights 0 (and a running sum of 0).
     */
    void softmax(float[] sT, int rp, int n, float[] m, float[] l, float[] alpha);

    /**
     * {@code out[oOff[r] + c] = alpha[r] * out[oOff[r] + c] + sum_j pT[j*rp + r] * v[j*vStride + c]} for r &lt; rows,
     * c &lt; vw: the weighted sum of one tile folded into the rescaled running output.
     */
    void accumulate(float[] pT, int rp, int rows, int n, float[] v, int vStride, int vw, float[] alpha, float[] out,
                    int[] oOff);

    /** The Vector API kernels when {@code vectorized}, else the scalar reference. */
    static AttentionTiles of(boolean vectorized) {
        return vectorized ? VectorAttentionTiles.INSTANCE : ScalarAttentionTiles.INSTANCE;
    }
}
