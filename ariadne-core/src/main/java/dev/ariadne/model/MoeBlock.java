package dev.ariadne.model;

import dev.ariadne.config.MoeConfig;
import dev.ariadne.tensor.Linear;
import dev.ariadne.tensor.ops.ElementOps;
import dev.ariadne.tensor.ops.MatMul;

/**
 * The mixture-of-experts MLP of a step's tokens (Qwen3-MoE), dispatched by expert rather than by token:
 *
 * <pre>
 *   route:   logits[t] = router @ xb[t]; p = softmax(logits[t]); top-k experts of p (ties: lower id),
 *            weights p_i (divided by their sum when norm_topk_prob), times the routed scale
 *   group:   counting sort of the (token, expert) pairs by expert
 *              slot:   0    1    2  |  3    4  |  5 ...       slotToken = token of each slot
 *              expert: [--- e0 ---] | [- e2 -] | [ e3 ...     expertStart[e] .. expertStart[e + 1]
 *   run:     per active expert, once: gather its tokens' rows of xb, gate/up (one matrix-matrix dispatch over
 *            its n tokens), SwiGLU, down, then x[token] += weight * y[slot]
 *            (up to {@link #SEGMENT_SLOTS} slots, as in decode steps: all experts' gate/up in one dispatch, each on
 *            its own slots, and all their downs in a second, instead of two dispatches per active expert)
 * </pre>
 *
 * Experts are visited in id order, so a token's sum over its experts has the same order whatever else is in the
 * step. All buffers are allocated once for {@code maxTokens} tokens.
 */
final class MoeBlock {
    /** Slots (tokens x experts per token) up to which a step runs all its experts in two dispatches. */
    static final int SEGMENT_SLOTS = 256;

    private final MoeConfig m;
    private final int hidden;
    private final MatMul matmul;
    private final ElementOps ops;
    private final MoeWeights[] layers;
    private final MatMul.Group[][] gateUp; // [layer][expert]: gate_e, up_e -> gate, up

    private final float[] routerLogits; // [maxTokens, experts]   router logits, then probabilities
    private final float[] selection;    // [experts]              sigmoid gating: one token's biased scores
    private final float[] groupScore;   // [groups]               and its groups' best-two sums
    private final int[] chosen;         // [maxTokens, used]      a token's experts
    private final float[] chosenWeight; // [maxTokens, used]      and their weights
    private final int[] expertStart;    // [experts + 1]          slots of expert e: [start[e], start[e + 1])
    private final int[] fill;           // [experts]              next free slot of each expert while grouping
    private final int[] slotToken;      // [maxTokens * used]     token of each slot, grouped by expert
    private final float[] slotWeight;   // [maxTokens * used]     its routing weight
    private final float[] xg;           // [maxTokens, hidden]    one expert's gathered inputs
    private final float[] gate;         // [maxTokens, F]         its gate projections, then SwiGLU
    private final float[] up;           // [maxTokens, F]
    private final float[] yg;           // [maxTokens, hidden]    its outputs
    // Few slots (decode steps): every active expert in one gate/up and one down dispatch instead of two each.
    private final int segmentSlots;     // the most slots (tokens x k) run this way
    private final Linear[] segWeights;  // [2 experts] the active experts' gate and up matrices, or their downs
    private final int[] segFrom;        // [2 experts] first slot of each
    private final int[] segCount;       // [2 experts] its slots
    private final int[] segOff;         // [2 experts] output column: 0 (gate, down) or F (up)
    private final float[] slotX;        // [segmentSlots, hidden] xb of each slot's token
    private final float[] slotHidden;   // [segmentSlots, 2F] gate | up projections; SwiGLU in the gate half
    private final float[] slotOut;      // [segmentSlots, hidden] each slot's expert output

    MoeBlock(MoeConfig m, int hidden, MoeWeights[] layers, MatMul matmul, ElementOps ops, int maxTokens) {
        this.m = m;
        this.hidden = hidden;
        this.matmul = matmul;
        this.ops = ops;
        this.layers = layers;
        int e = m.experts(), k = m.expertsUsed(), f = m.expertIntermediate();
        routerLogits = new float[maxTokens * e];
        selection = new float[e];
        groupScore = new float[m.groups()];
        chosen = new int[maxTokens * k];
        chosenWeight = new float[maxTokens * k];
        expertStart = new int[e + 1];
        fill = new int[e];
        slotToken = new int[maxTokens * k];
        slotWeight = new float[maxTokens * k];
        xg = new float[maxTokens * hidden];
        gate = new float[maxTokens * f];
        up = new float[maxTokens * f];
        yg = new float[maxTokens * hidden];
        segmentSlots = Math.max(k, Math.min(maxTokens * k, SEGMENT_SLOTS));
        segWeights = new Linear[2 * e];
        segFrom = new int[2 * e];
        segCount = new int[2 * e];
        segOff = new int[2 * e];
        slotX = new float[segmentSlots * hidden];
        slotHidden = new float[segmentSlots * 2 * f];
        slotOut = new float[segmentSlots * hidden];
        gateUp = new MatMul.Group[layers.length][];
        for (int l = 0; l < layers.length; l++) {
            if (layers[l] == null) continue;
            gateUp[l] = new MatMul.Group[e];
            for (int j = 0; j < e; j++) {
                gateUp[l][j] = new MatMul.Group(new Linear[] {layers[l].gate()[j], layers[l].up()[j]},
                        new float[][] {gate, up});
            }
        }
    }

    /** Bytes of the scratch buffers. */
    long bytes() {
        return 4L * (routerLogits.length + chosen.length + chosenWeight.length + expertStart.length + fill.length
                + slotToken.length + slotWeight.length + xg.length + gate.length + up.length + yg.length
                + slotX.length + slotHidden.length + slotOut.length + 4L * segFrom.length);
    }

    /**
     * Adds layer {@code layer}'s MoE output for tokens {@code [0, count)} to the residual stream:
     * {@code x[t] += sum_i weight_i * expert_i(xb[t])}.
     *
     * @param xb [count, hidden] the normed inputs
     * @param x  [count, hidden] the residual stream
     */
    void apply(int layer, float[] xb, float[] x, int count) {
        MoeWeights w = layers[layer];
        int e = m.experts();
        matmul.apply(w.router(), xb, hidden, count, routerLogits, e, 0);
        for (int t = 0; t < count; t++) {
            if (m.sigmoidGating()) routeBySigmoid(t, w.selectionBias());
            else route(t);
        }
        group(count);
        int f = m.expertIntermediate();
        if (count * m.expertsUsed() <= segmentSlots) {
            applySegmented(w, xb, x, count);
            return;
        }
        for (int j = 0; j < e; j++) {
            int from = expertStart[j], n = expertStart[j + 1] - from;
            if (n == 0) continue;
            for (int i = 0; i < n; i++) {
                System.arraycopy(xb, slotToken[from + i] * hidden, xg, i * hidden, hidden);
            }
            matmul.apply(gateUp[layer][j], xg, hidden, n);
            ops.swiGlu(gate, 0, up, 0, n * f);
            matmul.apply(w.down()[j], gate, f, n, yg, hidden, 0);
            for (int i = 0; i < n; i++) {
                ops.axpy(slotWeight[from + i], yg, i * hidden, x, slotToken[from + i] * hidden, hidden);
            }
        }
    }

    /**
     * The step's slots gathered in expert order, each active expert's gate and up run on its own slots in one
     * dispatch, SwiGLU per slot, every expert's down in a second dispatch, then {@code x[token] += weight * out}
     * in slot order: each token's experts are added in id order, as the per-expert loop adds them, and each expert
     * sees the same tokens, so the result equals that loop's up to the matrix kernels' blocking.
     */
    private void applySegmented(MoeWeights w, float[] xb, float[] x, int count) {
        int e = m.experts(), f = m.expertIntermediate(), slots = count * m.expertsUsed();
        for (int s = 0; s < slots; s++) System.arraycopy(xb, slotToken[s] * hidden, slotX, s * hidden, hidden);
        int n = 0;
        for (int j = 0; j < e; j++) {
            int from = expertStart[j], tokens = expertStart[j + 1] - from;
            if (tokens == 0) continue;
            segment(n++, w.gate()[j], from, tokens, 0);
            segment(n++, w.up()[j], from, tokens, f);
        }
        matmul.applySegments(segWeights, segFrom, segCount, segOff, n, slotX, hidden, slotHidden, 2 * f);
        for (int s = 0; s < slots; s++) ops.swiGlu(slotHidden, s * 2 * f, slotHidden, s * 2 * f + f, f);
        n = 0;
        for (int j = 0; j < e; j++) {
            int from = expertStart[j], tokens = expertStart[j + 1] - from;
            if (tokens > 0) segment(n++, w.down()[j], from, tokens, 0);
        }
        matmul.applySegments(segWeights, segFrom, segCount, segOff, n, slotHidden, 2 * f, slotOut, hidden);
        for (int s = 0; s < slots; s++) {
            ops.axpy(slotWeight[s], slotOut, s * hidden, x, slotToken[s] * hidden, hidden);
        }
    }

    private void segment(int i, Linear weight, int from, int tokens, int outOff) {
        segWeights[i] = weight;
        segFrom[i] = from;
        segCount[i] = tokens;
        segOff[i] = outOff;
    }

    /** Softmax over token t's router logits, its top-k experts and their (renormalized) weights. */
    private void route(int t) {
        int e = m.experts(), k = m.expertsUsed();
        int o = t * e;
        float max = ops.max(routerLogits, o, e);
        float sum = 0;
        for (int j = 0; j < e; j++) {
            float p = (float) Math.exp(routerLogits[o + j] - max);
            routerLogits[o + j] = p;
            sum += p;
        }
        float chosenSum = 0;
        for (int i = 0; i < k; i++) {
            int best = -1;
            for (int j = 0; j < e; j++) {
                if (routerLogits[o + j] >= 0 && (best < 0 || routerLogits[o + j] > routerLogits[o + best])) best = j;
            }
            float p = routerLogits[o + best] / sum;
            routerLogits[o + best] = -1; // taken
            chosen[t * k + i] = best;
            chosenWeight[t * k + i] = p;
            chosenSum += p;
        }
        if (m.normTopK()) {
            for (int i = 0; i < k; i++) chosenWeight[t * k + i] /= chosenSum;
        }
        if (m.routedScale() != 1.0) {
            for (int i = 0; i < k; i++) chosenWeight[t * k + i] *= (float) m.routedScale();
        }
    }

    /**
     * DeepSeek-V3's routing of token t (HF MoEGate noaux_tc, llama.cpp's sigmoid gating): scores s = sigmoid(logit);
     * experts are chosen by s + bias, only from the {@code groupsUsed} groups whose two best biased scores sum
     * highest (ties: lower id), and weighted by s (divided by the chosen scores' sum when norm_topk_prob), times
     * the routed scale.
     */
    private void routeBySigmoid(int t, float[] bias) {
        int e = m.experts(), k = m.expertsUsed(), groups = m.groups();
        int o = t * e;
        for (int j = 0; j < e; j++) {
            float s = (float) (1 / (1 + Math.exp(-routerLogits[o + j])));
            routerLogits[o + j] = s;
            selection[j] = bias == null ? s : s + bias[j];
        }
        if (groups > 1) {
            int size = e / groups;
            for (int g = 0; g < groups; g++) {
                float first = Float.NEGATIVE_INFINITY, second = Float.NEGATIVE_INFINITY;
                for (int j = g * size; j < (g + 1) * size; j++) {
                    float v = selection[j];
                    if (v > first) {
                        second = first;
                        first = v;
                    } else if (v > second) {
                        second = v;
                    }
                }
                groupScore[g] = first + second;
            }
            for (int i = 0; i < m.groupsUsed(); i++) {
                int best = -1;
                for (int g = 0; g < groups; g++) {
                    if (!Float.isNaN(groupScore[g]) && (best < 0 || groupScore[g] > groupScore[best])) best = g;
                }
                groupScore[best] = Float.NaN; // kept
            }
            for (int g = 0; g < groups; g++) {
                if (Float.isNaN(groupScore[g])) continue;
                java.util.Arrays.fill(selection, g * size, (g + 1) * size, Float.NEGATIVE_INFINITY);
            }
        }
        float chosenSum = 0;
        for (int i = 0; i < k; i++) {
            int best = -1;
            for (int j = 0; j < e; j++) {
                if (!Float.isNaN(selection[j]) && selection[j] != Float.NEGATIVE_INFINITY
                        && (best < 0 || selection[j] > selection[best])) {
                    best = j;
                }
            }
            selection[best] = Float.NaN; // taken
            chosen[t * k + i] = best;
            chosenWeight[t * k + i] = routerLogits[o + best];
            chosenSum += routerLogits[o + best];
        }
        for (int i = 0; i < k; i++) {
            if (m.normTopK()) chosenWeight[t * k + i] /= chosenSum;
            chosenWeight[t * k + i] *= (float) m.routedScale();
        }
    }

    /** Counting sort of the step's (token, expert) pairs by expert; tokens stay in order within an expert. */
    private void group(int count) {
        int e = m.experts(), k = m.expertsUsed();
        java.util.Arrays.fill(expertStart, 0);
        for (int s = 0; s < count * k; s++) expertStart[chosen[s] + 1]++;
        for (int j = 0; j < e; j++) {
            expertStart[j + 1] += expertStart[j];
            fill[j] = expertStart[j];
        }
        for (int t = 0; t < count; t++) {
            for (int i = 0; i < k; i++) {
                int slot = fill[chosen[t * k + i]]++;
                slotToken[slot] = t;
                slotWeight[slot] = chosenWeight[t * k + i];
            }
        }
    }
}
