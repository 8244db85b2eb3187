package dev.ariadne.engine;

import dev.ariadne.kv.KvRows;
import dev.ariadne.kv.PagedKvCache;
import dev.ariadne.kv.PagedKvStorage;
import dev.ariadne.model.DecoderModel;
import dev.ariadne.model.ForwardBatch;

import java.lang.management.ManagementFactory;

/**
 * The activation peak of a step, measured as vLLM's profile run does: one forward over {@code maxNumBatchedTokens}
 * tokens (the largest step the scheduler can make). Activations are preallocated buffers (the model's workspace and
 * the runner's logits), so the peak is their size. The step also counts what it allocated on top (per thread, over
 * the threads alive at the start): ~0 when the hot path is compiled, since it allocates nothing. The run also warms
 * the JIT before the first request.
 *
 * @param bufferBytes   preallocated activation buffers
 * @param allocatedBytes what the profiling step allocated besides them
 * @param tokens        tokens of the profiling step
 * @param seconds       its duration
 */
record ProfiledMemory(long bufferBytes, long allocatedBytes, int tokens, double seconds) {
    /** Single-token steps of the warm-up, enough for C2 to compile the decode attention kernels. */
    private static final int WARMUP_DECODES = 24;

    /**
     * The activation peak: the preallocated buffers. What the step allocated on top is short-lived garbage that the
     * collector reclaims within the heap's fixed limit (counted in "other"), not a peak that grows with the step;
     * it is reported beside the peak, and should be ~0 once the kernels are compiled.
     */
    long peakBytes() {
        return bufferBytes;
    }

    /** Profiles a full step: {@code maxTokens} tokens, in sequences of at most {@code maxModelLen} tokens each. */
    static ProfiledMemory profile(DecoderModel model, KvRows rows, int blockSize, int maxModelLen,
                                  long runnerBufferBytes) {
        var c = model.config();
        int tokens = model.maxTokens();
        int seqLen = Math.min(tokens, maxModelLen);
        int seqs = Math.ceilDiv(tokens, seqLen);
        int blocksPerSeq = Math.ceilDiv(seqLen, blockSize);
        int blocks = blocksPerSeq * seqs;
        var threadBean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (PagedKvStorage scratch = PagedKvStorage.forModel(c, blockSize, blocks, rows)) {
            int[] promptIds = new int[seqLen];
            for (int i = 0; i < seqLen; i++) promptIds[i] = i % c.vocabSize();
            ForwardBatch batch = new ForwardBatch(tokens, seqs);
            for (int s = 0, left = tokens; s < seqs; s++, left -= seqLen) {
                int[] ids = new int[blocksPerSeq];
                for (int i = 0; i < blocksPerSeq; i++) ids[i] = s * blocksPerSeq + i;
                batch.addSequence(new PagedKvCache(scratch).bind(ids, blocksPerSeq), promptIds, 0,
                        Math.min(seqLen, left), 0, true);
            }
            float[] logits = new float[seqs * c.vocabSize()];
            // Short warm-up steps first: before the JIT compiles the kernels, every Vector API operation allocates
            // its vector as an object, and that garbage (GiBs) would be counted as the step's peak. A prompt and then
            // single-token decodes: prompts and decoding sequences take different attention kernels, and the first
            // request should find both compiled.
            PagedKvCache warmKv = new PagedKvCache(scratch).bind(new int[] {0, 1, 2, 3}, Math.min(4, blocks));
            int warmTokens = Math.min(seqLen, warmKv.capacity());
            int warmPrompt = Math.max(1, warmTokens - WARMUP_DECODES);
            ForwardBatch warmup = new ForwardBatch(tokens, 1);
            warmup.addSequence(warmKv, promptIds, 0, warmPrompt, 0, true);
            for (int i = 0; i < 3; i++) model.forward(warmup, logits);
            for (int p = warmPrompt; p < warmTokens; p++) {
                warmup.clear();
                warmup.addSequence(warmKv, promptIds, p, 1, p, true);
                model.forward(warmup, logits);
            }
            long[] threads = threadBean.getAllThreadIds();
            long[] before = threadBean.getThreadAllocatedBytes(threads);
            long start = System.nanoTime();
            model.forward(batch, logits);
            double seconds = (System.nanoTime() - start) / 1e9;
            long allocated = allocatedSince(threadBean, threads, before);
            return new ProfiledMemory(model.workspaceBytes() + runnerBufferBytes, allocated, tokens, seconds);
        }
    }

    /** Bytes the given threads allocated since {@code before} (threads that ended or cannot tell are skipped). */
    private static long allocatedSince(com.sun.management.ThreadMXBean bean, long[] threads, long[] before) {
        long[] after = bean.getThreadAllocatedBytes(threads);
        long sum = 0;
        for (int i = 0; i < threads.length; i++) {
            if (before[i] >= 0 && after[i] >= before[i]) sum += after[i] - before[i];
        }
        return sum;
    }
}
