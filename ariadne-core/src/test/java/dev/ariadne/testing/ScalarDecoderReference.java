package dev.ariadne.testing;

import dev.ariadne.config.DcaConfig;
import dev.ariadne.config.ModelConfig;
import dev.ariadne.config.RopeStyle;
import dev.ariadne.model.LayerWeights;
import dev.ariadne.model.ModelWeights;
import dev.ariadne.tensor.Linear;

/**
 * A straightforward double-precision forward pass of a llama/qwen2/qwen3 decoder over a whole prompt, with the
 * full [query x key] score matrix and an optional Dual Chunk Attention: the oracle the engine's tiled DCA is
 * checked against. No KV cache, no tiles, no SIMD; weights widened from the engine's own {@link ModelWeights}.
 *
 * <p>Dual Chunk Attention as vLLM runs it ({@code rotary_embedding/dual_chunk_rope.py},
 * {@code attention/backends/dual_chunk_flash_attn.py}), {@code L = chunk_size - local_size}, query at position p in
 * chunk {@code c = p / L}, key at position j:
 * <pre>
 * keys rotated at          j mod L, then multiplied by s = max(1, 0.1 ln(n / original) + 1)  (n: prompt length;
 *                          s = 1 when original_max_position_embeddings is 0)
 * j in [c L, p]            (intra)       query rotated at p mod L
 * j in [(c-1) L, c L)      (successive)  query rotated at min(p mod L + L, chunk_size)
 * j in [0, (c-1) L)        (inter)       query rotated at min(2 L - 1, chunk_size)
 * one softmax over all j of the three parts' scores (what merging their outputs by log-sum-exp computes)
 * </pre>
 */
public final class ScalarDecoderReference {
    private final ModelWeights w;
    private final ModelConfig c;
    private final DcaConfig dca;

    /** @param dca null for plain causal attention */
    public ScalarDecoderReference(ModelWeights weights, DcaConfig dca) {
        this.w = weights;
        this.c = weights.config();
        this.dca = dca;
        if (!c.ropeScaling().isNone()) {
            throw new IllegalArgumentException("the reference decoder has no rope scaling");
        }
    }

    /** Logits {@code [n][vocab]} at every position of {@code tokens}. */
    public double[][] logits(int[] tokens) {
        int n = tokens.length, h = c.hiddenSize();
        routingMargins = new double[n];
        java.util.Arrays.fill(routingMargins, Double.POSITIVE_INFINITY);
        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) x[t] = row(w.tokenEmbedding(), tokens[t]);
        for (LayerWeights lw : w.layers()) {
            double[][] xb = new double[n][];
            for (int t = 0; t < n; t++) xb[t] = rmsNorm(x[t], lw.attnNorm());
            double[][] q = matmul(lw.wq(), xb, lw.bq()), k = matmul(lw.wk(), xb, lw.bk());
            double[][] v = matmul(lw.wv(), xb, lw.bv());
            if (lw.qNorm() != null) {
                for (int t = 0; t < n; t++) {
                    headNorm(q[t], c.numHeads(), lw.qNorm());
                    headNorm(k[t], c.numKvHeads(), lw.kNorm());
                }
            }
            double[][] att = attention(q, k, v, n);
            double[][] o = matmul(lw.wo(), att, null);
            for (int t = 0; t < n; t++) for (int i = 0; i < h; i++) x[t][i] += o[t][i];
            for (int t = 0; t < n; t++) xb[t] = rmsNorm(x[t], lw.ffnNorm());
            if (lw.moe() != null) {
                double[][] y = moe(lw.moe(), xb);
                for (int t = 0; t < n; t++) for (int i = 0; i < h; i++) x[t][i] += y[t][i];
                continue;
            }
            double[][] gate = matmul(lw.wGate(), xb, null), up = matmul(lw.wUp(), xb, null);
            for (int t = 0; t < n; t++) {
                for (int i = 0; i < gate[t].length; i++) {
                    double g = gate[t][i];
                    gate[t][i] = g / (1 + Math.exp(-g)) * up[t][i];
                }
            }
            double[][] down = matmul(lw.wDown(), gate, null);
            for (int t = 0; t < n; t++) for (int i = 0; i < h; i++) x[t][i] += down[t][i];
        }
        double[][] normed = new double[n][];
        for (int t = 0; t < n; t++) normed[t] = rmsNorm(x[t], w.outputNorm());
        return matmul(w.output(), normed, null);
    }

    /**
     * Per position of the last {@link #logits} call, the smallest gap over the MoE layers between the router
     * probabilities of the last chosen and the first unchosen expert: how close the position came to another
     * choice of experts (infinite for a dense model).
     */
    public double[] routingMargins() {
        return routingMargins;
    }

    private double[] routingMargins;

    /** Softmax routing, top-k (renormalized when norm_topk_prob), every chosen expert's SwiGLU MLP, weighted sum. */
    private double[][] moe(dev.ariadne.model.MoeWeights mw, double[][] xb) {
        var m = c.moe();
        double[][] logits = matmul(mw.router(), xb, null);
        double[][] y = new double[xb.length][c.hiddenSize()];
        for (int t = 0; t < xb.length; t++) {
            double max = java.util.Arrays.stream(logits[t]).max().orElseThrow();
            double[] p = new double[m.experts()];
            double sum = 0;
            for (int e = 0; e < p.length; e++) sum += p[e] = Math.exp(logits[t][e] - max);
            Integer[] order = new Integer[p.length];
            for (int e = 0; e < p.length; e++) order[e] = e;
            java.util.Arrays.sort(order, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : a - b);
            int k = m.expertsUsed();
            if (k < p.length) {
                routingMargins[t] = Math.min(routingMargins[t], (p[order[k - 1]] - p[order[k]]) / sum);
            }
            double chosen = 0;
            for (int i = 0; i < k; i++) chosen += p[order[i]] / sum;
            for (int i = 0; i < k; i++) {
                int e = order[i];
                double weight = p[e] / sum / (m.normTopK() ? chosen : 1);
                double[][] in = {xb[t]};
                double[] gate = matmul(mw.gate()[e], in, null)[0], up = matmul(mw.up()[e], in, null)[0];
                for (int j = 0; j < gate.length; j++) gate[j] = gate[j] / (1 + Math.exp(-gate[j])) * up[j];
                double[] down = matmul(mw.down()[e], new double[][] {gate}, null)[0];
                for (int j = 0; j < down.length; j++) y[t][j] += weight * down[j];
            }
        }
        return y;
    }

    private double[][] attention(double[][] q, double[][] k, double[][] v, int n) {
        int hd = c.headDim(), group = c.numHeads() / c.numKvHeads();
        double lengthScale = dca == null || dca.originalMaxPositions() == 0 ? 1
                : Math.max(1, 0.1 * Math.log((double) n / dca.originalMaxPositions()) + 1);
        int len = dca == null ? Integer.MAX_VALUE : dca.chunkLen();
        double[][] keys = new double[n][];
        double[][][] queries = new double[3][n][]; // intra, successive, inter
        for (int t = 0; t < n; t++) {
            keys[t] = rotate(k[t], c.numKvHeads(), dca == null ? t : t % len);
            for (int i = 0; i < keys[t].length; i++) keys[t][i] *= lengthScale;
            if (dca == null) {
                queries[0][t] = rotate(q[t], c.numHeads(), t);
            } else {
                queries[0][t] = rotate(q[t], c.numHeads(), t % len);
                queries[1][t] = rotate(q[t], c.numHeads(), Math.min(t % len + len, dca.chunkSize()));
                queries[2][t] = rotate(q[t], c.numHeads(), Math.min(2 * len - 1, dca.chunkSize()));
            }
        }
        double[][] out = new double[n][c.numHeads() * hd];
        double[] s = new double[n];
        for (int t = 0; t < n; t++) {
            int chunkStart = dca == null ? 0 : t / len * len;
            for (int head = 0; head < c.numHeads(); head++) {
                int kvHead = head / group;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= t; j++) {
                    int part = j >= chunkStart ? 0 : j >= chunkStart - len ? 1 : 2;
                    double dot = 0;
                    for (int d = 0; d < hd; d++) {
                        dot += queries[part][t][head * hd + d] * keys[j][kvHead * hd + d];
                    }
                    s[j] = dot * lengthScale / Math.sqrt(hd); // keys and the softmax scale both carry it (vLLM)
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j <= t; j++) sum += s[j] = Math.exp(s[j] - max);
                for (int j = 0; j <= t; j++) {
                    for (int d = 0; d < hd; d++) out[t][head * hd + d] += s[j] / sum * v[j][kvHead * hd + d];
                }
            }
        }
        return out;
    }

    /** RoPE of every head at {@code position}, pairs as the model's style forms them. */
    private double[] rotate(double[] x, int heads, int position) {
        int hd = c.headDim(), half = hd / 2;
        double[] y = x.clone();
        for (int head = 0; head < heads; head++) {
            for (int i = 0; i < half; i++) {
                double a = position * Math.pow(c.ropeTheta(), -2.0 * i / hd);
                int i0 = c.ropeStyle() == RopeStyle.NEOX ? head * hd + i : head * hd + 2 * i;
                int i1 = c.ropeStyle() == RopeStyle.NEOX ? i0 + half : i0 + 1;
                y[i0] = x[i0] * Math.cos(a) - x[i1] * Math.sin(a);
                y[i1] = x[i0] * Math.sin(a) + x[i1] * Math.cos(a);
            }
        }
        return y;
    }

    private double[] rmsNorm(double[] x, float[] weight) {
        double ss = 0;
        for (double v : x) ss += v * v;
        double inv = 1 / Math.sqrt(ss / x.length + c.rmsNormEps());
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] * inv * weight[i];
        return y;
    }

    private void headNorm(double[] x, int heads, float[] weight) {
        int hd = c.headDim();
        for (int head = 0; head < heads; head++) {
            double[] part = java.util.Arrays.copyOfRange(x, head * hd, (head + 1) * hd);
            System.arraycopy(rmsNorm(part, weight), 0, x, head * hd, hd);
        }
    }

    /** {@code y[t] = W x[t] (+ bias)} with W's rows widened once. */
    private static double[][] matmul(Linear wt, double[][] x, float[] bias) {
        double[][] y = new double[x.length][wt.rows()];
        for (int r = 0; r < wt.rows(); r++) {
            double[] row = row(wt, r);
            for (int t = 0; t < x.length; t++) {
                double acc = bias == null ? 0 : bias[r];
                for (int i = 0; i < row.length; i++) acc += row[i] * x[t][i];
                y[t][r] = acc;
            }
        }
        return y;
    }

    private static double[] row(Linear wt, int r) {
        float[] f = new float[wt.cols()];
        wt.kernel().dequantize(wt.data(), wt.rowOffset(r), f, 0, wt.cols());
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }
}
