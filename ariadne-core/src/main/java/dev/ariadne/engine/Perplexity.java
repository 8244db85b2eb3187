package dev.ariadne.engine;

/**
 * Perplexity with llama-perplexity's protocol: the tokens (BOS first where the model adds one) are cut into
 * {@code floor(n / ctx)} non-overlapping chunks of {@code ctx} tokens; each chunk's first token is replaced by BOS
 * (when the model has one) and evaluated from an empty cache at positions 0..ctx-1; only the second half is scored:
 * for j in [ctx/2, ctx-2], {@code nll_j = -log softmax(logits[j])[chunk[j+1]]}; PPL = exp(mean nll).
 */
public final class Perplexity {
    private Perplexity() {
    }

    /** Per-chunk progress and the final estimate. */
    public record Result(int chunks, int scoredPerChunk, double[] chunkPpl, double ppl, double stderr) {
    }

    /** Called after each chunk with the running estimate. */
    @FunctionalInterface
    public interface Progress {
        void chunkDone(int chunk, double runningPpl);
    }

    public static Result run(LLM llm, int[] tokens, int ctx, int bos, Progress progress) {
        if (ctx < 4 || ctx % 2 != 0) {
            throw new IllegalArgumentException("--ctx must be an even number of at least 4, found " + ctx);
        }
        int chunks = tokens.length / ctx;
        if (chunks == 0) {
            throw new IllegalArgumentException("need at least " + ctx + " tokens for one chunk of --ctx " + ctx
                    + ", the text has " + tokens.length);
        }
        int first = ctx / 2;
        int scored = ctx - 1 - first;
        double[] nll = new double[chunks * scored];
        double[] chunkPpl = new double[chunks];
        int[] chunk = new int[ctx];
        double total = 0;
        int count = 0;
        for (int c = 0; c < chunks; c++) {
            System.arraycopy(tokens, c * ctx, chunk, 0, ctx);
            if (bos >= 0) chunk[0] = bos;
            int vocab = llm.modelConfig().vocabSize();
            final int base = c * scored;
            llm.scoreAll(chunk, (pos, logits, off) -> {
                if (pos >= first && pos <= ctx - 2) {
                    nll[base + pos - first] = negativeLogLikelihood(logits, off, vocab, chunk[pos + 1]);
                }
            });
            double chunkSum = 0;
            for (int i = 0; i < scored; i++) chunkSum += nll[base + i];
            chunkPpl[c] = Math.exp(chunkSum / scored);
            total += chunkSum;
            count += scored;
            progress.chunkDone(c, Math.exp(total / count));
        }
        double mean = total / count;
        double var = 0;
        for (double v : nll) var += (v - mean) * (v - mean);
        var /= Math.max(1, count - 1);
        // llama-perplexity's uncertainty: delta method on exp(mean), standard error of the mean nll.
        double stderr = Math.exp(mean) * Math.sqrt(var / count);
        return new Result(chunks, scored, chunkPpl, Math.exp(mean), stderr);
    }

    static double negativeLogLikelihood(float[] logits, int off, int vocab, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) max = Math.max(max, logits[off + i]);
        double sum = 0;
        for (int i = 0; i < vocab; i++) sum += Math.exp(logits[off + i] - max);
        return -(logits[off + target] - max - Math.log(sum));
    }
}
