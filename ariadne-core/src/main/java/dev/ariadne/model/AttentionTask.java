package dev.ariadne.model;

import dev.ariadne.config.DcaConfig;
import dev.ariadne.config.ModelConfig;
import dev.ariadne.kv.KvCache;
import dev.ariadne.kv.KvRows;
import dev.ariadne.quant.VectorShapes;
import dev.ariadne.tensor.ops.AttentionTiles;
import dev.ariadne.tensor.ops.ElementOps;
import dev.ariadne.tensor.ops.RangeTask;
import dev.ariadne.tensor.ops.VectorMath;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Causal grouped-query attention for the tokens of one step, reading keys and values in place from a
 * {@link KvCache}, tiled with an online softmax (FlashAttention's recurrence) so that no [query x key] score matrix
 * is ever materialized: scratch is one tile of scores per thread, whatever the context length.
 *
 * <p>Work item i is (kvHead and split = i / blocks, query block = i % blocks). A query block is up to
 * {@link #BLOCK_ROWS} / heads consecutive tokens of one sequence (a prefill chunk; a decoding sequence is a block of
 * one), and covers the query heads of one split of those sharing the KV head ({@link AttentionGeometry}); with Dual
 * Chunk Attention it never crosses a chunk boundary. KV-head-major order gives every thread the same mix of short
 * (early) and long (late) causal rows.
 *
 * <p>A block of at least {@link #BLOCKED_MIN_ROWS} rows (queries x heads: every prefill block, latent attention's
 * heads) runs the blocked kernels: each tile of {@link #BLOCKED_KEY_TILE} keys and values is widened once to floats
 * and multiplied against all the block's rows by register-blocked products ({@link AttentionTiles}), so a tile is
 * read once per block and its widening paid once. Smaller blocks (a decoding sequence's GQA group) read the rows in
 * place, one query against a tile of {@link #KEY_TILE} keys at a time ({@link KvRows#scores}).
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
    /** Key positions per tile of the direct path: 256 rows of K and of V (64 KiB each for 128 f16 values) stay in L2. */
    static final int KEY_TILE = 256;
    /** Key positions per tile of the blocked path: the widened K and V tiles (32 KiB each at 128 values) stay in L2. */
    static final int BLOCKED_KEY_TILE = 64;
    /** Query rows (queries x heads) a query block aims for: enough to amortize widening a tile, few enough for L2. */
    static final int BLOCK_ROWS = 128;
    /** Query rows from which a block takes the blocked kernels; fewer (a decoding GQA group) read rows in place. */
    static final int BLOCKED_MIN_ROWS = 8;

    private final AttentionGeometry geo;
    private final DcaConfig dca;        // null: plain causal attention
    private final Workspace ws;
    private final ElementOps ops;
    private final AttentionTiles tiles;
    private final int queryBlock;       // queries per block: BLOCK_ROWS / heads per item, at least 1
    private final int maxRowsPadded;    // queryBlock * heads per item rounded up to the vector lanes
    private final float[][] rowScratch; // [threads][keyWidth] one widened K or V row (direct path)
    private final float[][] runMax;     // [threads][maxRowsPadded] m per (query, head) row of the block
    private final float[][] runSum;     // [threads][maxRowsPadded] l per row
    private final float[][] rescale;    // [threads][maxRowsPadded] exp(m - m') of the last tile, per row
    private final float[][] scores;     // [threads][max(heads * KEY_TILE, BLOCKED_KEY_TILE * maxRowsPadded)]
    private final float[][][] queryT;   // [threads][1, or 3 with DCA][keyWidth * maxRowsPadded] transposed queries
    private final float[][] keyTile;    // [threads][BLOCKED_KEY_TILE * keyWidth] widened keys
    private final float[][] valueTile;  // [threads][BLOCKED_KEY_TILE * valueWidth] widened values
    private final int[][] outRow;       // [threads][maxRowsPadded] offset of each row's output
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
        this.tiles = AttentionTiles.of(ops instanceof VectorMath);
        int heads = geo.headsPerItem();
        int kw = geo.keyWidth(), vw = geo.valueWidth();
        this.queryBlock = Math.max(1, BLOCK_ROWS / heads);
        this.maxRowsPadded = roundUpToLanes(queryBlock * heads);
        this.rowScratch = new float[threads][Math.max(kw, vw)];
        this.runMax = new float[threads][maxRowsPadded];
        this.runSum = new float[threads][maxRowsPadded];
        this.rescale = new float[threads][maxRowsPadded];
        this.scores = new float[threads][Math.max(heads * KEY_TILE, BLOCKED_KEY_TILE * maxRowsPadded)];
        this.queryT = new float[threads][dca != null ? 3 : 1][kw * maxRowsPadded];
        this.keyTile = new float[threads][BLOCKED_KEY_TILE * kw];
        this.valueTile = new float[threads][BLOCKED_KEY_TILE * vw];
        this.outRow = new int[threads][maxRowsPadded];
        this.blockStart = new int[ws.maxTokens];
        this.blockLength = new int[ws.maxTokens];
        this.query = ws.q;
        this.out = ws.att;
    }

    private static int roundUpToLanes(int rows) {
        return Math.ceilDiv(rows, VectorShapes.LANES) * VectorShapes.LANES;
    }

    /** Bytes of the per-thread scratch (transposed queries, widened tiles, scores, softmax state, row offsets). */
    long bytes() {
        long floats = 0;
        for (int i = 0; i < scores.length; i++) {
            floats += scores[i].length + runMax[i].length + runSum[i].length + rescale[i].length
                    + rowScratch[i].length + keyTile[i].length + valueTile[i].length + outRow[i].length;
            for (float[] q : queryT[i]) floats += q.length;
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
            // A block never straddles a DCA chunk boundary: its queries then share one split of the keys.
            boolean continuesBlock = blocks > 0 && blockLength[blocks - 1] < queryBlock && last == t - 1
                    && b.tokenSeq[t] == b.tokenSeq[last] && b.positions[t] == b.positions[last] + 1
                    && (dca == null || b.positions[t] % dca.chunkLen() != 0);
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
        float[] l = runSum[worker];
        ForwardBatch b = batch;
        int t0 = blockStart[block];
        int nq = blockLength[block];
        int p0 = b.positions[t0]; // the block's last query sees positions 0 .. p0 + nq - 1
        KvCache kv = kvOverride != null ? kvOverride : b.seqKv[b.tokenSeq[t0]];
        KvRows rows = kv.rows();
        MemorySegment kSeg = kv.keys(layer);
        MemorySegment vSeg = kv.values(layer);
        for (int q = 0; q < nq; q++) {
            int qBase = (t0 + q) * geo.qStride() + firstHead * kw;
            // Keys stored rotated (H k) are scored by rotated queries; this block owns these query rows.
            for (int g = 0; g < group; g++) {
                rows.rotate(query, qBase + g * kw, kw);
                if (dca != null) {
                    rows.rotate(ws.qInter, qBase + g * kw, kw);
                    rows.rotate(ws.qSuccessive, qBase + g * kw, kw);
                }
            }
        }
        if (nq * group >= BLOCKED_MIN_ROWS) {
            attendBlocked(worker, kv, rows, kSeg, vSeg, kvHead, firstHead, t0, nq, p0);
        } else {
            attendDirect(worker, kv, rows, kSeg, vSeg, kvHead, firstHead, t0, nq, p0);
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
     * The blocked kernels: the block's rows (query-major, r = q * group + g) transposed once, then per key tile the
     * keys and values widened once into float tiles and used for every row ({@link AttentionTiles}). Only the tiles
     * that reach past the block's first query are masked; with DCA, the keys of a tile are scored in up to three runs,
     * each by the query rotation of its chunk distance (the block lies in one chunk, so the runs are the same for
     * every row).
     */
    private void attendBlocked(int worker, KvCache kv, KvRows rows, MemorySegment kSeg, MemorySegment vSeg,
                               int kvHead, int firstHead, int t0, int nq, int p0) {
        int kw = geo.keyWidth(), vw = geo.valueWidth();
        int group = geo.headsPerItem();
        int rowsInBlock = nq * group;
        int rp = roundUpToLanes(rowsInBlock);
        float[][] qT = queryT[worker];
        int[] oOff = outRow[worker];
        float[] m = runMax[worker], l = runSum[worker], alpha = rescale[worker], sT = scores[worker];
        float[] kT = keyTile[worker];
        // Latent rows hold the values as the leading valueWidth values of each key row: one widened tile serves both.
        boolean sharedRows = kSeg == vSeg;
        float[] vT = sharedRows ? kT : valueTile[worker];
        int vStride = sharedRows ? kw : vw;
        for (int r = 0; r < rowsInBlock; r++) {
            int t = t0 + r / group, h = firstHead + r % group;
            transpose(query, t * geo.qStride() + h * kw, qT[0], rp, r, kw);
            if (dca != null) {
                transpose(ws.qInter, t * geo.qStride() + h * kw, qT[1], rp, r, kw);
                transpose(ws.qSuccessive, t * geo.qStride() + h * kw, qT[2], rp, r, kw);
            }
            oOff[r] = t * geo.outStride() + h * vw;
            Arrays.fill(out, oOff[r], oOff[r] + vw, 0f);
        }
        for (float[] variant : qT) {
            for (int c = 0; c < kw; c++) Arrays.fill(variant, c * rp + rowsInBlock, (c + 1) * rp, 0f);
        }
        Arrays.fill(m, 0, rp, Float.NEGATIVE_INFINITY);
        Arrays.fill(l, 0, rp, 0f);
        int keys = p0 + nq;
        int chunkStart = dca == null ? 0 : p0 / dca.chunkLen() * dca.chunkLen();
        int previousStart = dca == null ? 0 : chunkStart - dca.chunkLen();
        for (int tile = 0; tile < keys; tile += BLOCKED_KEY_TILE) {
            int n = Math.min(BLOCKED_KEY_TILE, keys - tile);
            for (int j = 0; j < n; j++) rows.widen(kSeg, kv.rowOffset(tile + j, kvHead), kT, j * kw, kw);
            if (!sharedRows) {
                for (int j = 0; j < n; j++) rows.widen(vSeg, kv.rowOffset(tile + j, kvHead), vT, j * vw, vw);
            }
            if (dca == null) {
                tiles.scores(qT[0], rp, kT, 0, kw, kw, n, geo.scale(), sT, 0);
            } else {
                // keys [0, previousStart): inter-chunk rotation; [previousStart, chunkStart): successive; rest: intra.
                int interEnd = Math.clamp(previousStart - tile, 0, n);
                int successiveEnd = Math.clamp(chunkStart - tile, 0, n);
                scoreRun(qT[1], rp, kT, kw, 0, interEnd, sT);
                scoreRun(qT[2], rp, kT, kw, interEnd, successiveEnd, sT);
                scoreRun(qT[0], rp, kT, kw, successiveEnd, n, sT);
            }
            // Causal mask: key p0 + d is hidden from the block's queries 0 .. d - 1, rows 0 .. d * group - 1.
            for (int j = Math.max(0, p0 + 1 - tile); j < n; j++) {
                int hidden = Math.min(rowsInBlock, (tile + j - p0) * group);
                Arrays.fill(sT, j * rp, j * rp + hidden, Float.NEGATIVE_INFINITY);
            }
            tiles.softmax(sT, rp, n, m, l, alpha);
            tiles.accumulate(sT, rp, rowsInBlock, n, vT, vStride, vw, alpha, out, oOff);
        }
    }

    private void scoreRun(float[] qT, int rp, float[] kT, int kw, int from, int to, float[] sT) {
        if (to > from) tiles.scores(qT, rp, kT, from * kw, kw, kw, to - from, geo.scale(), sT, from * rp);
    }

    /** Column r of {@code qT} (row stride rp) = the kw values of {@code src} at {@code off}. */
    private static void transpose(float[] src, int off, float[] qT, int rp, int r, int kw) {
        for (int c = 0; c < kw; c++) qT[c * rp + r] = src[off + c];
    }

    /** The in-place kernels of {@link KvRows}, one query at a time against each tile (decoding GQA groups). */
    private void attendDirect(int worker, KvCache kv, KvRows rows, MemorySegment kSeg, MemorySegment vSeg,
                              int kvHead, int firstHead, int t0, int nq, int p0) {
        int kw = geo.keyWidth(), vw = geo.valueWidth();
        int group = geo.headsPerItem();
        float[] m = runMax[worker];
        float[] l = runSum[worker];
        int keys = p0 + nq;
        Arrays.fill(m, 0, nq * group, Float.NEGATIVE_INFINITY);
        Arrays.fill(l, 0, nq * group, 0f);
        for (int q = 0; q < nq; q++) {
            int oBase = (t0 + q) * geo.outStride() + firstHead * vw;
            Arrays.fill(out, oBase, oBase + group * vw, 0f);
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
