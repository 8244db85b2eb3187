package dev.ariadne.memory;

import dev.ariadne.config.MlaConfig;
import java.util.Locale;

/**
 * An estimate of the activation peak of one step of {@code tokens} batched tokens, for when it was not measured.
 * Intermediates of the forward pass are freed before sampling, so the peak is the larger of the two:
 *
 * <pre>
 * forward  = tokens x a x (2 x hidden + the widest of: attention (q, k, v, output), MLP (gate, up, act),
 *                          MoE (top_k x (3 x expert_width/tp + hidden) + shared expert)) + router logits (fp32)
 * sampler  = seqs x vocab x samplerBytesPerLogit + tokens x hidden x a,  seqs = min(max_num_seqs, tokens)
 * </pre>
 * With vLLM's profile (a = 2 B, 39 B per logit, 256 sequences) Qwen3-30B-A3B at tensor parallel 4 and 4,096 tokens
 * estimates 1.43 GiB; the seed measured 1.40 GiB.
 */
public record ActivationEstimate(long bytes, long forwardBytes, long samplerBytes, long perTokenBytes, int tokens,
                                 int seqs, int vocab, ActivationProfile profile) {

    public static ActivationEstimate of(ModelShape m, int tp, int tokens, ActivationProfile p) {
        AttentionShape at = m.attention();
        int a = p.activationBytes();
        long h = m.hiddenSize();
        long qh = at.headsPerRank(tp);
        long attention;
        if (at.isMla()) {
            MlaConfig mla = at.mla();
            attention = qh * mla.qkHeadDim() + mla.latentWidth() + qh * (mla.qkNopeHeadDim() + mla.vHeadDim())
                    + qh * mla.vHeadDim();
        } else {
            long queryCopies = m.dca() != null ? 5 : 1; // DCA rotates each query five ways (intra, succ, inter, 2 critical)
            attention = qh * at.headDim() * (queryCopies + 1) + 2L * at.kvHeadsPerRank(tp) * at.headDim();
        }
        long mlp = m.denseLayers() > 0 ? 3 * Math.ceilDiv(m.intermediateSize(), tp) : 0;
        long moe = 0;
        long router = 0;
        if (m.moe() != null) {
            MoeShape e = m.moe();
            moe = e.topK() * (3 * Math.ceilDiv(e.expertIntermediate(), tp) + h)
                    + 3 * Math.ceilDiv(e.sharedIntermediate(), tp);
            router = 4L * e.experts();
        }
        long perToken = a * (2 * h + Math.max(attention, Math.max(mlp, moe))) + router;
        long forward = perToken * tokens;
        int seqs = Math.min(p.maxNumSeqs(), tokens);
        long sampler = (long) seqs * m.vocabSize() * p.samplerBytesPerLogit() + (long) tokens * h * a;
        return new ActivationEstimate(Math.max(forward, sampler), forward, sampler, perToken, tokens, seqs,
                m.vocabSize(), p);
    }

    /** How the figure was obtained, for the plan's output. */
    public String how() {
        return String.format(Locale.ROOT,
                "estimated (%s), not profiled: max(forward of %s tokens x %s = %s, sampler over %d sequences x %s"
                        + " vocabulary x %d B = %s); the %d B per logit: %s",
                profile.engine(), ByteSize.count(tokens), ByteSize.human(perTokenBytes), ByteSize.gib(forwardBytes),
                seqs, ByteSize.count(vocab),
                profile.samplerBytesPerLogit(), ByteSize.gib(samplerBytes), profile.samplerBytesPerLogit(),
                profile.samplerParts());
    }
}
