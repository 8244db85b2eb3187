package dev.ariadne.memory;

import dev.ariadne.config.DcaConfig;
import java.util.Locale;

/**
 * Transient memory Dual Chunk Attention needs on top of a normal step, per rank, for one layer at a time. vLLM's
 * profiling run never exercises it (the profile has no cached context), so vLLM's budget does not count it: it must
 * fit in what is left outside the budget. That is the seed's OOM at 960K tokens.
 *
 * <p>vLLM's DCA backend ({@code attention/backends/dual_chunk_flash_attn.py}) prefilling a chunk of {@code T} tokens
 * at context length {@code L}, {@code qh}/{@code kvh} query/KV heads per rank of {@code d} values, {@code a} bytes:
 * <pre>
 * L <= 32,768 (dense)   K and V of the context gathered from the paged cache   L x kvh x d x 2 x a
 * L >  32,768 (sparse)  gathered K and V repeated to every query head          L x qh x d x 2 x a
 *                       scores of the last 64 queries against the context      qh x 64 x L x (2 + 2 + 4) B
 *                       (per-segment fp16 products, their fp16 concatenation, the fp32 softmax)
 * always                intra/succ/inter partial outputs and their stacked copy 3 x 2 x T x qh x (d x a + 4 B lse)
 * </pre>
 * Ariadne's CPU engine reads K and V in place from the pages and merges the three parts inside its online softmax
 * (the log-sum-exp merge, one tile at a time), so it needs no partial outputs: only two more rotated copies of the
 * queries (successive and inter; intra is the normal query) and their cos/sin, preallocated for {@code T} tokens:
 * <pre>
 * 2 x T x qh x d x 4 B  +  2 (cos, sin) x 2 x T x d/2 x 4 B
 * </pre>
 */
public record DcaBuffers(long bytes, String how) {

    public static DcaBuffers vllmGpu(ModelShape m, int tp, long contextLen, int batchedTokens, int activationBytes) {
        AttentionShape at = m.attention();
        long qh = at.headsPerRank(tp), kvh = at.kvHeadsPerRank(tp), d = at.headDim(), a = activationBytes;
        long outputs = 3L * 2 * batchedTokens * qh * (d * a + 4);
        if (contextLen > DcaConfig.SPARSE_THRESHOLD) {
            long repeated = contextLen * qh * d * 2 * a;
            long scores = qh * DcaConfig.SPARSE_LAST_Q * contextLen * 8;
            return new DcaBuffers(repeated + scores + outputs, String.format(Locale.ROOT,
                    "vLLM DCA prefill at %s tokens (sparse): K,V repeated to %d query heads %s + scores of the last"
                            + " %d queries %s + partial outputs for %s batched tokens %s",
                    ByteSize.count(contextLen), qh, ByteSize.gib(repeated), DcaConfig.SPARSE_LAST_Q,
                    ByteSize.gib(scores), ByteSize.count(batchedTokens), ByteSize.gib(outputs)));
        }
        long gathered = contextLen * kvh * d * 2 * a;
        return new DcaBuffers(gathered + outputs, String.format(Locale.ROOT,
                "vLLM DCA prefill at %s tokens (dense): gathered K,V %s + partial outputs for %s batched tokens %s",
                ByteSize.count(contextLen), ByteSize.gib(gathered), ByteSize.count(batchedTokens),
                ByteSize.gib(outputs)));
    }

    public static DcaBuffers ariadneCpu(ModelShape m, int batchedTokens) {
        AttentionShape at = m.attention();
        long qh = at.heads(), d = at.headDim();
        long queries = 2L * batchedTokens * qh * d * 4;
        long angles = 2L * 2 * batchedTokens * (d / 2) * 4;
        return new DcaBuffers(queries + angles, String.format(Locale.ROOT,
                "Ariadne DCA workspace for %s batched tokens: 2 more rotated query copies %s + their cos/sin %s"
                        + " (K and V read in place from the pages; parts merged in the online softmax)",
                ByteSize.count(batchedTokens), ByteSize.human(queries), ByteSize.human(angles)));
    }
}
