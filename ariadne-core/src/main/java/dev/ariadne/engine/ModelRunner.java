package dev.ariadne.engine;

import dev.ariadne.config.ModelConfig;
import dev.ariadne.kv.BlockTable;
import dev.ariadne.kv.KvCacheManager;
import dev.ariadne.kv.PagedKvCache;
import dev.ariadne.kv.PagedKvStorage;
import dev.ariadne.kv.SwapSpace;
import dev.ariadne.model.DecoderModel;
import dev.ariadne.model.ForwardBatch;
import dev.ariadne.sample.SampleLogprobs;
import dev.ariadne.sample.Sampler;
import dev.ariadne.sample.TokenLogprobs;
import dev.ariadne.sched.BlockCopy;
import dev.ariadne.sched.Request;
import dev.ariadne.sched.ScheduledChunk;
import dev.ariadne.sched.SchedulerOutput;

import java.util.List;

/**
 * Executes a {@link SchedulerOutput}: moves swapped blocks, lays the chunks of all scheduled requests out as one
 * {@link ForwardBatch} (each sequence's KV view bound to its block table), runs one forward over all of them, and
 * samples a token for every chunk that reached its request's end. Every buffer is sized once for the engine's
 * limits.
 */
final class ModelRunner implements AutoCloseable {
    private final DecoderModel model;
    private final PagedKvStorage storage;
    private final SwapSpace swap;              // null without a swap tier
    private final PagedKvCache[] views;        // [maxNumSeqs] one per batch slot, re-bound each step
    private final ForwardBatch batch;
    private final float[] logits;              // [maxNumSeqs, vocab]
    private final int[] sampled;               // [maxNumSeqs] token per chunk
    private final int[] logitRowOfChunk;       // [maxNumSeqs]
    private final SampleLogprobs[] logprobs;   // [maxNumSeqs] per chunk, null where not requested
    private final TokenLogprobs logprobsScratch = new TokenLogprobs();
    private final Sampler sampler;
    private final int vocab;

    ModelRunner(DecoderModel model, PagedKvStorage storage, SwapSpace swap, int maxNumSeqs) {
        this.model = model;
        this.storage = storage;
        this.swap = swap;
        this.vocab = model.config().vocabSize();
        this.views = new PagedKvCache[maxNumSeqs];
        for (int i = 0; i < maxNumSeqs; i++) views[i] = new PagedKvCache(storage);
        this.batch = new ForwardBatch(model.maxTokens(), maxNumSeqs);
        this.logits = new float[maxNumSeqs * vocab];
        this.sampled = new int[maxNumSeqs];
        this.logitRowOfChunk = new int[maxNumSeqs];
        this.logprobs = new SampleLogprobs[maxNumSeqs];
        this.sampler = new Sampler(vocab);
    }

    ModelConfig config() {
        return model.config();
    }

    /**
     * Bytes of the per-step buffers a runner for {@code maxNumSeqs} sequences allocates: logits, sampled tokens and
     * their rows, the sampler's scratch. Known before the runner exists, so the start-up profile can count them.
     */
    static long bufferBytes(int maxNumSeqs, int vocab) {
        return 4L * maxNumSeqs * vocab + 8L * maxNumSeqs + Sampler.scratchBytes(vocab);
    }

    /**
     * Runs one step.
     *
     * @return per chunk of {@code out}, the sampled token (or -1 where the chunk does not sample); the array is
     * reused by the next step
     */
    int[] execute(SchedulerOutput out, KvCacheManager kv) {
        for (BlockCopy c : out.swapOut()) swap.copyOut(c.block(), c.slot());
        for (BlockCopy c : out.swapIn()) swap.copyIn(c.slot(), c.block());
        List<ScheduledChunk> chunks = out.chunks();
        if (chunks.isEmpty()) return sampled;
        batch.clear();
        int rows = 0;
        for (int i = 0; i < chunks.size(); i++) {
            ScheduledChunk c = chunks.get(i);
            Request r = c.request();
            BlockTable table = kv.table(r.id());
            boolean samples = c.samples();
            int s = batch.addSequence(views[i].bind(table), r.tokens(), c.start(), c.numTokens(), c.start(), samples);
            batch.setSequenceLength(s, Math.max(r.promptLength(), c.start() + c.numTokens()));
            batch.setRopeUnscaled(s, r.ropeUnscaled());
            logitRowOfChunk[i] = samples ? rows++ : -1;
        }
        model.forward(batch, logits);
        batch.clear();
        for (int i = 0; i < chunks.size(); i++) {
            int row = logitRowOfChunk[i];
            logprobs[i] = null;
            sampled[i] = row < 0 ? -1 : sample(chunks.get(i).request(), row, i);
        }
        return sampled;
    }

    /** The logprobs of chunk {@code i} of the last step, or null when its request did not ask for them. */
    SampleLogprobs logprobs(int i) {
        return logprobs[i];
    }

    private int sample(Request r, int row, int chunk) {
        boolean want = r.params().logprobs() >= 0;
        int token = sampler.sample(logits, row * vocab, r.params(), r.rng(), r.tokens(), r.promptLength(),
                r.numTokens(), want ? logprobsScratch : null);
        if (want) logprobs[chunk] = logprobsScratch.toResult();
        return token;
    }

    @Override
    public void close() {
        if (swap != null) swap.close();
        storage.close();
    }
}
