package dev.ariadne.model;

import dev.ariadne.config.DcaConfig;
import dev.ariadne.config.ModelConfig;
import dev.ariadne.kv.KvCache;
import dev.ariadne.kv.KvRows;
import dev.ariadne.tensor.ops.ElementOps;
import dev.ariadne.tensor.ops.RangeTask;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Causal grouped-query attention for the tokens of one step, reading keys and values in place from a
 * {@link KvCache}, tiled with an online softmax (FlashAttention's recurrence) so that no [query x key] score matrix
 * is ever materialized: scratch is one tile of scores per thread, whatever the context length.
 *
 * <p>Work item i is (kvHead = i / blocks, query block = i % blocks). A query block is up to {@link #QUERY_BLOCK}
 * consecutive tokens of one sequence (a prefill chunk; a decoding sequence is a block of one), and covers the
 * {@code group} query heads that share the KV head. Keys are visited in tiles of {@link #KEY_TILE} positions; each
 * tile is used by every query of the block while it is in cache, so a long prefill reads the KV cache once per
 * block rather than once per token. KV-head-major order gives every thread the same mix of short (early) and long
 * (late) causal rows.
 *
 * <pre>
 * for each key tile T = [from, from + n), for each query t of the block (position p, keys j <= p), head g:
 *   s_j   = q[t, g] . K[j] / sqrt(headDim)                       j in T, j <= p
 *   m'    = max(m, max_j s_j)
 *   l     = l * exp(m - m') + sum_j exp(s_j - m')
 *   o     = o * exp(m - m') + sum_j exp(s_j - m') V[j]
 *   m     = m'
 * att[t, g] = o / l
 * </pre>
 */
final class AttentionTask implements RangeTask {
    /** Key positions per tile: 256 rows of K and of V (64 KiB each for 128 f16 values) stay in L2 for the block. */
    static final int KEY_TILE = 256;
    /** Queries per work item; enough to amortize a tile's reads, few enough to leave work for every thread. */
    static final int QUERY_BLOCK = 32;

    private final ModelConfig c;
    private final DcaConfig dca;        // null: plain causal attention
    private final Workspace ws;
    private final ElementOps ops;
    private final float scale;
    private final float[][] rowScratch; // [threads][headDim] one widened K or V row (scalar path)
    private final float[][] runMax;     // [threads][QUERY_BLOCK * group] m per (query, head) of the block
    private final float[][] runSum;     // [threads][QUERY_BLOCK * group] l per (query, head) of the block
    private final int[] blockStart;     // [maxTokens] first token of each query block of the step
    private final int[] blockLength;    // [maxTokens]
    private int blocks;

    int layer;
    ForwardBatch batch;

    AttentionTask(ModelConfig c, Workspace ws, ElementOps ops, int threads) {
        this.c = c;
        this.dca = c.dualChunk();
        this.ws = ws;
        this.ops = ops;
        this.scale = (float) (1.0 / Math.sqrt(c.headDim()));
        this.rowScratch = new float[threads][c.headDim()];
        this.runMax = new float[threads][QUERY_BLOCK * c.groupSize()];
        this.runSum = new float[threads][QUERY_BLOCK * c.groupSize()];
        this.blockStart = new int[ws.maxTokens];
        this.blockLength = new int[ws.maxTokens];
    }

    /** Splits the step's tokens into query blocks; once per step, before the layers run. */
    void plan(ForwardBatch b) {
        blocks = 0;
        for (int t = 0; t < b.numTokens; t++) {
            boolean continuesBlock = blocks > 0 && blockLength[blocks - 1] < QUERY_BLOCK
                    && b.tokenSeq[t] == b.tokenSeq[t - 1] && b.positions[t] == b.positions[t - 1] + 1;
            if (continuesBlock) {
                blockLength[blocks - 1]++;
            } else {
                blockStart[blocks] = t;
                blockLength[blocks] = 1;
                blocks++;
            }
        }
    }

    /** Work items of the planned step. */
    int items() {
        return c.numKvHeads() * blocks;
    }

    @Override
    public void run(int worker, int from, int to) {
        for (int i = from; i < to; i++) {
            attendBlock(worker, i / blocks, i % blocks);
        }
    }

    private void attendBlock(int worker, int kvHead, int block) {
        int hd = c.headDim();
        int qDim = c.qDim();
        int group = c.groupSize();
        float[] m = runMax[worker];
        float[] l = runSum[worker];
        ForwardBatch b = batch;
        int t0 = blockStart[block];
        int nq = blockLength[block];
        int p0 = b.positions[t0];
        int keys = p0 + nq; // the block's last query sees positions 0 .. p0 + nq - 1
        KvCache kv = b.seqKv[b.tokenSeq[t0]];
        KvRows rows = kv.rows();
        MemorySegment kSeg = kv.keys(layer);
        MemorySegment vSeg = kv.values(layer);
        Arrays.fill(m, 0, nq * group, Float.NEGATIVE_INFINITY);
        Arrays.fill(l, 0, nq * group, 0f);
        for (int q = 0; q < nq; q++) {
            int qBase = (t0 + q) * qDim + kvHead * group * hd;
            Arrays.fill(ws.att, qBase, qBase + group * hd, 0f);
            // Keys stored rotated (H k) are scored by rotated queries; this block owns these query rows.
            for (int g = 0; g < group; g++) {
                rows.rotate(ws.q, qBase + g * hd, hd);
                if (dca != null) {
                    rows.rotate(ws.qInter, qBase + g * hd, hd);
                    rows.rotate(ws.qSuccessive, qBase + g * hd, hd);
                }
            }
        }
        for (int tile = 0; tile < keys; tile += KEY_TILE) {
            int n = Math.min(KEY_TILE, keys - tile);
            for (int q = 0; q < nq; q++) {
                int p = p0 + q;
                int end = Math.min(tile + n, p + 1); // causal: query at p sees j <= p
                if (end <= tile) continue;
                int qBase = (t0 + q) * qDim + kvHead * group * hd;
                if (dca == null) {
                    attend(worker, kv, rows, kSeg, vSeg, kvHead, ws.q, qBase, tile, end - tile, q);
                    continue;
                }
                // Dual Chunk Attention: the same keys, scored by the query rotated for their chunk.
                int chunkStart = p / dca.chunkLen() * dca.chunkLen();
                int previousStart = chunkStart - dca.chunkLen();
                int interEnd = Math.min(end, Math.max(tile, previousStart));
                int successiveEnd = Math.min(end, Math.max(tile, chunkStart));
                if (interEnd > tile) {
                    attend(worker, kv, rows, kSeg, vSeg, kvHead, ws.qInter, qBase, tile, interEnd - tile, q);
                }
                if (successiveEnd > interEnd) {
                    attend(worker, kv, rows, kSeg, vSeg, kvHead, ws.qSuccessive, qBase, interEnd,
                            successiveEnd - interEnd, q);
                }
                if (end > successiveEnd) {
                    attend(worker, kv, rows, kSeg, vSeg, kvHead, ws.q, qBase, successiveEnd, end - successiveEnd, q);
                }
            }
        }
        for (int q = 0; q < nq; q++) {
            int qBase = (t0 + q) * qDim + kvHead * group * hd;
            for (int g = 0; g < group; g++) {
                ops.scale(ws.att, qBase + g * hd, hd, 1f / l[q * group + g]);
                rows.rotateBack(ws.att, qBase + g * hd, hd); // sum_j p_j R v_j rotated back
            }
        }
    }

    /**
     * One step of the online softmax for query {@code q} of the block: keys {@code from .. from + n - 1} scored by
     * {@code query}'s rows at {@code qBase}, folded into the running max, sum and output.
     */
    private void attend(int worker, KvCache kv, KvRows rows, MemorySegment kSeg, MemorySegment vSeg, int kvHead,
                        float[] query, int qBase, int from, int n, int q) {
        int hd = c.headDim();
        int group = c.groupSize();
        float[] s = ws.scores[worker];
        float[] m = runMax[worker];
        float[] l = runSum[worker];
        rows.scores(kv, kSeg, kvHead, from, n, query, qBase, group, hd, scale, s, KEY_TILE, rowScratch[worker]);
        for (int g = 0; g < group; g++) {
            int so = g * KEY_TILE;
            int r = q * group + g;
            float mOld = m[r];
            float mNew = Math.max(mOld, ops.max(s, so, n));
            float tileSum = ops.expShiftedSum(s, so, n, mNew); // s becomes exp(s - m')
            if (mNew > mOld && mOld != Float.NEGATIVE_INFINITY) {
                float alpha = (float) Math.exp(mOld - mNew);
                l[r] *= alpha;
                ops.scale(ws.att, qBase + g * hd, hd, alpha);
            }
            l[r] += tileSum;
            m[r] = mNew;
        }
        rows.weightedSum(kv, vSeg, kvHead, from, n, s, KEY_TILE, group, hd, ws.att, qBase, rowScratch[worker]);
    }
}
