package dev.ariadne.testing;

import dev.ariadne.config.DcaConfig;
import dev.ariadne.config.ModelConfig;
import dev.ariadne.config.RopeStyle;
import dev.ariadne.model.LayerWeights;
import dev.ariadne.model.ModelWeights;
import dev.ariadne.tensor.Linear;

/**
 * A straightforward double-precision forward pass of a llama/qwen2/qwen3/qwen3moe/deepseek2 decoder over a whole
 * prompt, with the full [query x key] score matrix, optional YaRN and an optional Dual Chunk Attention: the oracle
 * the engine's tiled DCA and latent attention are checked against. No KV cache, no tiles, no SIMD; weights widened
 * from the engine's own {@link ModelWeights}.
 *
 * <p>Multi-head latent attention in its decompressed (HF DeepseekV2Attention) form, per head h:
 * <pre>
 * q_h = [q_nope | rope(q_pe)]     from wq xb, or qB rmsNorm(qA xb)
 * c   = rmsNorm(kvA xb [:R]),  k_pe = rope(kvA xb [R:])
 * k_h = [kB_h^T c | k_pe],  v_h = vB_h c,   scores scaled by mscale(s, mscale_all_dim)^2 / sqrt(N + P)
 * </pre>
 * YaRN as transformers' {@code _compute_yarn_parameters} (LONG-CONTEXT.md section 2): per pair i of the rotary
 * dims, {@code inv_freq = (inv_freq / s) ramp(i) + inv_freq (1 - ramp(i))}, cos and sin times the attention factor.
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
        var r = c.ropeScaling();
        if (!r.isNone() && r.type() != dev.ariadne.config.RotaryScaling.Type.YARN) {
            throw new IllegalArgumentException("the reference decoder has no " + r.type() + " rope scaling");
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
            if (lw.mla() != null) {
                double[][] o = matmul(lw.wo(), latentAttention(lw, xb, n), null);
                for (int t = 0; t < n; t++) for (int i = 0; i < h; i++) x[t][i] += o[t][i];
                for (int t = 0; t < n; t++) xb[t] = rmsNorm(x[t], lw.ffnNorm());
                mlp(lw, xb, x);
                continue;
            }
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
            mlp(lw, xb, x);
        }
        double[][] normed = new double[n][];
        for (int t = 0; t < n; t++) normed[t] = rmsNorm(x[t], w.outputNorm());
        return matmul(w.output(), normed, null);
    }

    /** x += the layer's MLP of xb: dense SwiGLU, or the routed experts plus the shared ones. */
    private void mlp(LayerWeights lw, double[][] xb, double[][] x) {
        int h = c.hiddenSize();
        if (lw.moe() != null) {
            double[][] y = moe(lw.moe(), xb);
            for (int t = 0; t < x.length; t++) for (int i = 0; i < h; i++) x[t][i] += y[t][i];
            if (lw.moe().sharedGate() == null) return;
            double[][] down = swiGlu(lw.moe().sharedGate(), lw.moe().sharedUp(), lw.moe().sharedDown(), xb);
            for (int t = 0; t < x.length; t++) for (int i = 0; i < h; i++) x[t][i] += down[t][i];
            return;
        }
        double[][] down = swiGlu(lw.wGate(), lw.wUp(), lw.wDown(), xb);
        for (int t = 0; t < x.length; t++) for (int i = 0; i < h; i++) x[t][i] += down[t][i];
    }

    private static double[][] swiGlu(Linear wGate, Linear wUp, Linear wDown, double[][] xb) {
        double[][] gate = matmul(wGate, xb, null), up = matmul(wUp, xb, null);
        for (int t = 0; t < xb.length; t++) {
            for (int i = 0; i < gate[t].length; i++) {
                double g = gate[t][i];
                gate[t][i] = g / (1 + Math.exp(-g)) * up[t][i];
            }
        }
        return matmul(wDown, gate, null);
    }

    /** The decompressed multi-head latent attention of the whole prompt: {@code [n][H * V]}. */
    private double[][] latentAttention(LayerWeights lw, double[][] xb, int n) {
        var m = c.mla();
        var mw = lw.mla();
        int heads = c.numHeads(), nope = m.qkNopeHeadDim(), pe = m.qkRopeHeadDim(), r = m.kvLoraRank();
        int qk = nope + pe, v = m.vHeadDim();
        double[][] q;
        if (mw.qA() == null) {
            q = matmul(lw.wq(), xb, null);
        } else {
            double[][] low = matmul(mw.qA(), xb, null);
            for (int t = 0; t < n; t++) low[t] = rmsNorm(low[t], mw.qANorm());
            q = matmul(mw.qB(), low, null);
        }
        double[][] kv = matmul(mw.kvA(), xb, null);
        double[][] latent = new double[n][], kPe = new double[n][];
        for (int t = 0; t < n; t++) {
            latent[t] = rmsNorm(java.util.Arrays.copyOf(kv[t], r), mw.kvANorm());
            kPe[t] = java.util.Arrays.copyOfRange(kv[t], r, r + pe);
            rotatePairs(kPe[t], 0, pe, t);
            for (int head = 0; head < heads; head++) rotatePairs(q[t], head * qk + nope, pe, t);
        }
        double scale = scoreFactor() / Math.sqrt(qk);
        double[][] out = new double[n][heads * v];
        double[] s = new double[n];
        for (int head = 0; head < heads; head++) {
            double[][] kNope = new double[n][nope], val = matmul(mw.vB()[head], latent, null);
            for (int row = 0; row < r; row++) {
                double[] kb = row(mw.kB()[head], row); // kB_h [R, N]: k_nope[i] = sum_row kB[row][i] c[row]
                for (int j = 0; j < n; j++) for (int i = 0; i < nope; i++) kNope[j][i] += kb[i] * latent[j][row];
            }
            for (int t = 0; t < n; t++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= t; j++) {
                    double dot = 0;
                    for (int i = 0; i < nope; i++) dot += q[t][head * qk + i] * kNope[j][i];
                    for (int i = 0; i < pe; i++) dot += q[t][head * qk + nope + i] * kPe[j][i];
                    s[j] = dot * scale;
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j <= t; j++) sum += s[j] = Math.exp(s[j] - max);
                for (int j = 0; j <= t; j++) {
                    for (int i = 0; i < v; i++) out[t][head * v + i] += s[j] / sum * val[j][i];
                }
            }
        }
        return out;
    }

    /** DeepSeek's YaRN factor on the scores, mscale(s, mscale_all_dim)^2; 1 otherwise. */
    private double scoreFactor() {
        var r = c.ropeScaling();
        if (r.isNone() || r.mscaleAllDim() == 0) return 1;
        double m = mscale(r.factor(), r.mscaleAllDim());
        return m * m;
    }

    private static double mscale(double s, double m) {
        return s <= 1 ? 1 : 0.1 * m * Math.log(s) + 1;
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
        if (m.sigmoidGating()) {
            for (int t = 0; t < xb.length; t++) sigmoidRouting(mw, logits[t], xb[t], y[t]);
            return y;
        }
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
                double weight = p[e] / sum / (m.normTopK() ? chosen : 1) * m.routedScale();
                double[][] in = {xb[t]};
                double[] gate = matmul(mw.gate()[e], in, null)[0], up = matmul(mw.up()[e], in, null)[0];
                for (int j = 0; j < gate.length; j++) gate[j] = gate[j] / (1 + Math.exp(-gate[j])) * up[j];
                double[] down = matmul(mw.down()[e], new double[][] {gate}, null)[0];
                for (int j = 0; j < down.length; j++) y[t][j] += weight * down[j];
            }
        }
        return y;
    }

    /**
     * DeepSeek-V3's routing as HF MoEGate (noaux_tc) writes it: s = sigmoid(logits), choice = s + bias; groups
     * ranked by the sum of their two best choice values, the top topk_group kept; top-k of choice among them;
     * weights s, renormalized when norm_topk_prob, times routed_scaling_factor. y += the weighted experts.
     */
    private void sigmoidRouting(dev.ariadne.model.MoeWeights mw, double[] logits, double[] xb, double[] y) {
        var m = c.moe();
        int e = m.experts(), groups = m.groups(), size = e / groups;
        double[] s = new double[e], choice = new double[e];
        for (int j = 0; j < e; j++) {
            s[j] = 1 / (1 + Math.exp(-logits[j]));
            choice[j] = s[j] + (mw.selectionBias() == null ? 0 : mw.selectionBias()[j]);
        }
        Integer[] byGroup = new Integer[groups];
        double[] groupScore = new double[groups];
        for (int g = 0; g < groups; g++) {
            double[] members = java.util.Arrays.copyOfRange(choice, g * size, (g + 1) * size);
            java.util.Arrays.sort(members);
            groupScore[g] = groups == 1 ? 0 : members[size - 1] + members[size - 2];
            byGroup[g] = g;
        }
        java.util.Arrays.sort(byGroup, (a, b) -> groupScore[a] != groupScore[b]
                ? Double.compare(groupScore[b], groupScore[a]) : a - b);
        java.util.List<Integer> candidates = new java.util.ArrayList<>();
        for (int i = 0; i < m.groupsUsed(); i++) {
            for (int j = byGroup[i] * size; j < (byGroup[i] + 1) * size; j++) candidates.add(j);
        }
        candidates.sort((a, b) -> choice[a] != choice[b] ? Double.compare(choice[b], choice[a]) : a - b);
        int k = m.expertsUsed();
        double sum = 0;
        for (int i = 0; i < k; i++) sum += s[candidates.get(i)];
        for (int i = 0; i < k; i++) {
            int ex = candidates.get(i);
            double weight = s[ex] / (m.normTopK() ? sum : 1) * m.routedScale();
            double[][] in = {xb};
            double[] gate = matmul(mw.gate()[ex], in, null)[0], up = matmul(mw.up()[ex], in, null)[0];
            for (int j = 0; j < gate.length; j++) gate[j] = gate[j] / (1 + Math.exp(-gate[j])) * up[j];
            double[] down = matmul(mw.down()[ex], new double[][] {gate}, null)[0];
            for (int j = 0; j < down.length; j++) y[j] += weight * down[j];
        }
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
        int hd = c.headDim();
        double[] y = x.clone();
        for (int head = 0; head < heads; head++) rotatePairs(y, head * hd, hd, position);
        return y;
    }

    /** RoPE in place of {@code y[off .. off + dim)} at {@code position}, with YaRN's frequencies when configured. */
    private void rotatePairs(double[] y, int off, int dim, int position) {
        int half = dim / 2;
        var r = c.ropeScaling();
        boolean yarn = !r.isNone();
        double low = 0, high = 0, magnitude = 1;
        if (yarn) {
            low = Math.max(0, Math.floor(correctionDim(dim, r.betaFast(), r.originalContext())));
            high = Math.min(dim - 1, Math.ceil(correctionDim(dim, r.betaSlow(), r.originalContext())));
            if (low == high) high += 0.001;
            magnitude = !Double.isNaN(r.attentionFactor()) ? r.attentionFactor()
                    : r.mscale() != 0 && r.mscaleAllDim() != 0 ? mscale(r.factor(), r.mscale())
                    / mscale(r.factor(), r.mscaleAllDim()) : mscale(r.factor(), 1);
        }
        for (int i = 0; i < half; i++) {
            double freq = Math.pow(c.ropeTheta(), -2.0 * i / dim);
            if (yarn) {
                double ramp = Math.min(1, Math.max(0, (i - low) / (high - low)));
                freq = freq / r.factor() * ramp + freq * (1 - ramp);
            }
            double a = position * freq, cos = Math.cos(a) * magnitude, sin = Math.sin(a) * magnitude;
            int i0 = c.ropeStyle() == RopeStyle.NEOX ? off + i : off + 2 * i;
            int i1 = c.ropeStyle() == RopeStyle.NEOX ? i0 + half : i0 + 1;
            double x0 = y[i0], x1 = y[i1];
            y[i0] = x0 * cos - x1 * sin;
            y[i1] = x0 * sin + x1 * cos;
        }
    }

    private double correctionDim(int dim, double rotations, int original) {
        return dim * Math.log(original / (rotations * 2 * Math.PI)) / (2 * Math.log(c.ropeTheta()));
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
