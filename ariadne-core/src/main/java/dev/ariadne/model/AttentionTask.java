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
 * <p>Work item i is (kvHead and split = i / blocks, query block = i % blocks). A query block is up to
 * {@link #QUERY_BLOCK} consecutive tokens of one sequence (a prefill chunk; a decoding sequence is a block of one),
 * and covers the query heads of one split of those sharing the KV head ({@link AttentionGeometry}). Keys are
 * visited in tiles of {@link #KEY_TILE} positions; each tile is used by every query of the block while it is in cache, so a long prefill reads the KV cache once per
 * block rather than once per token. KV-head-major order gives every thread the same mix of short (early) and long
 * (late) causal rows.
 *
 * <pre>
 * for each key tile T = [from, from + n), for each query t of the block (position p, keys j <= p), head g:
 *   s_j   = scale * q[t, g] . K[j]                                j in T, j <= p
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

    private final AttentionGeometry geo;
    private final DcaConfig dca;        // null: plain causal attention
    private final Workspace ws;
    private final ElementOps ops;
    private final float[][] rowScratch; // [threads][keyWidth] one widened K or V row (scalar path)
    private final float[][] runMax;     // [threads][QUERY_BLOCK * heads per item] m per (query, head) of the block
    private final float[][] runSum;     // [threads][QUERY_BLOCK * heads per item] l per (query, head) of the block
    private final float[][] scores;     // [threads][heads per item * KEY_TILE] one key tile's scores
    private final int[] blockStart;     // [maxTokens] first token of each query block of the step
    private final int[] blockLength;    // [maxTokens]
    private int blocks;

    int layer;
    ForwardBatch batch;
    /** Queries and outputs of the step, laid out as the geometry says (the workspace's q and att by default). */
    float[] query, out;
    /** When set, every block reads this cache instead of its sequence's (latent attention's decompressed one). */
    KvCache kvOverride;

    AttentionTask(ModelConfig c, Workspace ws, ElementOps ops, int threads) {
        this(AttentionGeometry.of(c), c.dualChunk(), ws, ops, threads);
    }

    AttentionTask(AttentionGeometry geo, DcaConfig dca, Workspace ws, ElementOps ops, int threads) {
        this.geo = geo;
        this.dca = dca;
        this.ws = ws;
        this.ops = ops;
        int heads = geo.headsPerItem();
        this.rowScratch = new float[threads][Math.max(geo.keyWidth(), geo.valueWidth())];
        this.runMax = new float[threads][QUERY_BLOCK * heads];
        this.runSum = new float[threads][QUERY_BLOCK * heads];
        this.scores = new float[threads][heads * KEY_TILE];
        this.blockStart = new int[ws.maxTokens];
        this.blockLength = new int[ws.maxTokens];
        this.query = ws.q;
        this.out = ws.att;
    }

    /** Bytes of the per-thread scratch (scores, softmax state, one row). */
    long bytes() {
        long floats = 0;
        for (int i = 0; i < scores.length; i++) {
            floats += scores[i].length + runMax[i].length + runSum[i].length + rowScratch[i].length;
        }
        return 4 * floats;
    }

    /** Splits the step's tokens into query blocks; once per step, before the layers run. */
    void plan(ForwardBatch b) {
        plan(b, null);
    }

    /** As above, for the tokens of the sequences {@code selected[s]} only (all when null). */
    void plan(ForwardBatch b, boolean[] selected) {
        blocks = 0;
        for (int t = 0; t < b.numTokens; t++) {
            if (selected != null && !selected[b.tokenSeq[t]]) continue;
            int last = blocks > 0 ? blockStart[blocks - 1] + blockLength[blocks - 1] - 1 : -1;
            boolean continuesBlock = blocks > 0 && blockLength[blocks - 1] < QUERY_BLOCK && last == t - 1
                    && b.tokenSeq[t] == b.tokenSeq[last] && b.positions[t] == b.positions[last] + 1;
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
        return geo.kvHeads() * geo.splits() * blocks;
    }

    /** Attention work of the planned step for {@code positions} (sum over tokens of keys seen), in flops. */
    long work(long positions) {
        return (long) geo.kvHeads() * geo.headsPerKvHead() * positions * (geo.keyWidth() + geo.valueWidth());
    }

    @Override
    public void run(int worker, int from, int to) {
        for (int i = from; i < to; i++) {
            int slice = i / blocks;
            attendBlock(worker, slice / geo.splits(), slice % geo.splits(), i % blocks);
        }
    }

    private void attendBlock(int worker, int kvHead, int split, int block) {
        int kw = geo.keyWidth(), vw = geo.valueWidth();
        int group = geo.headsPerItem();
        int firstHead = kvHead * geo.headsPerKvHead() + split * group;
        float[] m = runMax[worker];
        float[] l = runSum[worker];
        ForwardBatch b = batch;
        int t0 = blockStart[block];
        int nq = blockLength[block];
        int p0 = b.positions[t0];
        int keys = p0 + nq; // the block's last query sees positions 0 .. p0 + nq - 1
        KvCache kv = kvOverride != null ? kvOverride : b.seqKv[b.tokenSeq[t0]];
        KvRows rows = kv.rows();
        MemorySegment kSeg = kv.keys(layer);
        MemorySegment vSeg = kv.values(layer);
        Arrays.fill(m, 0, nq * group, Float.NEGATIVE_INFINITY);
        Arrays.fill(l, 0, nq * group, 0f);
        for (int q = 0; q < nq; q++) {
            int qBase = (t0 + q) * geo.qStride() + firstHead * kw;
            int oBase = (t0 + q) * geo.outStride() + firstHead * vw;
            Arrays.fill(out, oBase, oBase + group * vw, 0f);
            // Keys stored rotated (H k) are scored by rotated queries; this block owns these query rows.
            for (int g = 0; g < group; g++) {
                rows.rotate(query, qBase + g * kw, kw);
                if (dca != null) {
                    rows.rotate(ws.qInter, qBase + g * kw, kw);
                    rows.rotate(ws.qSuccessive, qBase + g * kw, kw);
                }
            }
        }
        for (int tile = 0; tile < keys; tile += KEY_TILE) {
            int n = Math.min(KEY_TILE, keys - tile);
            for (int q = 0; q < nq; q++) {
                int p = p0 + q;
                int end = Math.min(tile + n, p + 1); // causal: query at p sees j <= p
                if (end <= tile) continue;
                int qBase = (t0 + q) * geo.qStride() + firstHead * kw;
                int oBase = (t0 + q) * geo.outStride() + firstHead * vw;
                if (dca == null) {
                    attend(worker, kv, rows, kSeg, vSeg, kvHead, query, qBase, oBase, tile, end - tile, q);
                    continue;
                }
                // Dual Chunk Attention: the same keys, scored by the query rotated for their chunk.
                int chunkStart = p / dca.chunkLen() * dca.chunkLen();
                int previousStart = chunkStart - dca.chunkLen();
                int interEnd = Math.min(end, Math.max(tile, previousStart));
                int successiveEnd = Math.min(end, Math.max(tile, chunkStart));
                if (interEnd > tile) {
                    attend(worker, kv, rows, kSeg, vSeg, kvHead, ws.qInter, qBase, oBase, tile, interEnd - tile, q);
                }
                if (successiveEnd > interEnd) {
                    attend(worker, kv, rows, kSeg, vSeg, kvHead, ws.qSuccessive, qBase, oBase, interEnd,
                            successiveEnd - interEnd, q);
                }
                if (end > successiveEnd) {
                    attend(worker, kv, rows, kSeg, vSeg, kvHead, query, qBase, oBase, successiveEnd,
                            end - successiveEnd, q);
                }
            }
        }
        for (int q = 0; q < nq; q++) {
            int oBase = (t0 + q) * geo.outStride() + firstHead * vw;
            for (int g = 0; g < group; g++) {
                ops.scale(out, oBase + g * vw, vw, 1f / l[q * group + g]);
                rows.rotateBack(out, oBase + g * vw, vw, kw); // sum_j p_j R v_j rotated back
            }
        }
    }

    /**
     * One step of the online softmax for query {@code q} of the block: keys {@code from .. from + n - 1} scored by
     * {@code query}'s rows at {@code qBase}, folded into the running max, sum and output.
     */
    private void attend(int worker, KvCache kv, KvRows rows, MemorySegment kSeg, MemorySegment vSeg, int kvHead,
                        float[] query, int qBase, int oBase, int from, int n, int q) {
        int kw = geo.keyWidth(), vw = geo.valueWidth();
        int group = geo.headsPerItem();
        float[] s = scores[worker];
        float[] m = runMax[worker];
        float[] l = runSum[worker];
        rows.scores(kv, kSeg, kvHead, from, n, query, qBase, group, kw, geo.scale(), s, KEY_TILE, rowScratch[worker]);
        for (int g = 0; g < group; g++) {
            int so = g * KEY_TILE;
            int r = q * group + g;
            float mOld = m[r];
            float mNew = Math.max(mOld, ops.max(s, so, n));
            float tileSum = ops.expShiftedSum(s, so, n, mNew); // s becomes exp(s - m')
            if (mNew > mOld && mOld != Float.NEGATIVE_INFINITY) {
                float alpha = (float) Math.exp(mOld - mNew);
                l[r] *= alpha;
                ops.scale(out, oBase + g * vw, vw, alpha);
            }
            l[r] += tileSum;
            m[r] = mNew;
        }
        rows.weightedSum(kv, vSeg, kvHead, from, n, s, KEY_TILE, group, vw, out, oBase, rowScratch[worker]);
    }
}
