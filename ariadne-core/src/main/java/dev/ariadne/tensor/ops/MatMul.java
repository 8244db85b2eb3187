package dev.ariadne.tensor.ops;

import dev.ariadne.quant.RowKernel;
import dev.ariadne.tensor.Linear;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@code Y[t][r] = sum_c W[r][c] * X[t][c]} for a batch of tokens: the linear layers of the forward pass.
 *
 * <p>One token (decode) is a matrix-vector product, bound by memory bandwidth: each thread streams its share of rows
 * once through the format's fused {@code dot} (so do up to {@link #DENSE_FUSED_TOKENS} tokens, one after the other,
 * and up to {@link #FUSED_TOKENS} for an expert of a mixture).
 * More tokens (prefill, batched decode) are matrix-matrix work: each thread dequantizes {@value #TILE_ROWS} of its
 * rows into a float tile once per block of {@value #TOKEN_BLOCK} tokens (sized to stay in L2), so every weight byte
 * is read from memory once per token block instead of once per token. A block of {@value #OUTER_TOKENS} tokens or
 * more (a prompt chunk) is multiplied in outer-product form: its activations transposed once into token panels,
 * eight tile rows (broadcast weights) times two vectors of tokens per step, no horizontal sums (Q8_0, 3,072 x 1,024
 * on 512 tokens, one thread: 43 -> 31 ms, 74 -> 103 GFLOP/s; pp512 134 -> 160-172 t/s). Fewer tokens (a batched
 * decode step) run a 4-row x 4-token dot-form kernel, whose vectors run along the columns.
 *
 * <p>One instance per engine; it owns the per-thread tiles and its reusable task, so a call allocates nothing.
 */
public final class MatMul {
    static final int TILE_ROWS = 16;
    static final int TOKEN_BLOCK = 64;
    /**
     * Up to this many tokens each token streams the rows through the fused dequantize-dot (rows stay in L1/L2 for
     * the next token) instead of dequantizing a float tile: a decode step's experts get 1-4 tokens each, and for
     * them the tile's dequantize and store cost more than they save (measured on Qwen3-30B-A3B's shape, 16
     * sequences: 49 -> 68-71 tokens/s with 3-5 here; dense 4-token batches the same either way).
     */
    static final int FUSED_TOKENS = 4;
    /**
     * The same limit for a dense matrix (one weight for the whole batch): there 3-4 tokens run faster through the
     * dequantized tile, which is widened once for all of them (Qwen3-0.6B, decode-only steps of 4 sequences: Q8_0
     * 23 -> 40, Q4_K_M 16 -> 31 tokens/s; 2 sequences the same either way). The experts of a mixture keep
     * {@link #FUSED_TOKENS}.
     */
    static final int DENSE_FUSED_TOKENS = 2;
    /**
     * A decode step's matrix-vector products run each thread's part in about this many chunks, and a thread that
     * is done takes the chunks the other has not reached ({@link ComputePool#parallelForChunks}) instead of waiting
     * at the barrier: on this machine one of the two threads ran the same rows ~1.5x slower than the other (JFR,
     * Qwen3-0.6B Q4_0 decode; the slowness followed the thread, not the rows).
     */
    static final int CHUNKS_PER_THREAD = 8;
    /** Chunk sizes are multiples of this many rows (of {@link #COPY_ROWS}, and no smaller). */
    static final int MIN_CHUNK_ROWS = 16;
    /** Rows copied out of the mapping at a time for the fused dot (see {@code fused}). */
    static final int COPY_ROWS = 4;
    /**
     * From this many tokens in a block the tile product runs in outer-product form ({@code outer8x2}) on the block's
     * activations transposed once: fewer tokens would leave most of a token vector's lanes idle.
     */
    static final int OUTER_TOKENS = 32;

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Tokens of one packed panel of tokensT: the two token vectors of {@code outer8x2}. */
    private static final int PANEL = 2 * L;
    /** Gather indices of one token's LANES rows in outT ([row][TOKEN_BLOCK]). */
    private static final int[] ROWS_OF_TOKEN = new int[L];

    static {
        for (int i = 0; i < L; i++) ROWS_OF_TOKEN[i] = i * TOKEN_BLOCK;
    }

    private final ComputePool pool;
    private final boolean vectorized;
    private final ElementOps ops;
    private final float[][] tiles; // [threads][TILE_ROWS * maxCols]
    private final float[][] tokensT; // [threads][maxCols * TOKEN_BLOCK]: a token block's activations, column-major
    private final float[][] outT; // [threads][TILE_ROWS * TOKEN_BLOCK]: a tile's outputs, row-major, on their way to y
    private final float[][] groupSums; // [threads][FUSED_TOKENS * maxCols / SUM_GROUP]: sums for the fused dot
    private final MemorySegment[] rowCopies; // [threads][COPY_ROWS * 4 * maxCols bytes]: rows copied for the fused dot
    private final Task task = new Task();
    private final TransposedBlock[] transposed; // [threads] what each worker's tokensT holds
    private int dispatch; // counts dispatches: a transposed block is reused only within the one that made it

    /** The activations a worker last transposed: matrices of one dispatch on the same input (q/k/v) share them. */
    private static final class TransposedBlock {
        float[] x;
        int dispatch, xOff, t0, t1, cols;
    }

    public MatMul(ComputePool pool, int maxCols, boolean vectorized) {
        this.pool = pool;
        this.vectorized = vectorized;
        this.ops = vectorized ? VectorMath.INSTANCE : ScalarMath.INSTANCE;
        this.tiles = new float[pool.threads()][TILE_ROWS * maxCols];
        this.tokensT = new float[pool.threads()][vectorized ? maxCols * TOKEN_BLOCK : 0];
        this.outT = new float[pool.threads()][vectorized ? TILE_ROWS * TOKEN_BLOCK : 0];
        this.transposed = new TransposedBlock[pool.threads()];
        for (int i = 0; i < transposed.length; i++) transposed[i] = new TransposedBlock();
        this.groupSums = new float[pool.threads()][FUSED_TOKENS * Math.ceilDiv(maxCols, RowKernel.SUM_GROUP)];
        this.rowCopies = new MemorySegment[pool.threads()];
        for (int i = 0; i < rowCopies.length; i++) {
            rowCopies[i] = Arena.ofAuto().allocate((long) COPY_ROWS * Float.BYTES * maxCols, 64);
        }
    }

    /** Bytes of the per-thread scratch: dequantization tiles, activation group sums, copied rows. */
    public long bytes() {
        long n = 0;
        for (float[] t : tiles) n += 4L * t.length;
        for (float[] t : tokensT) n += 4L * t.length;
        for (float[] t : outT) n += 4L * t.length;
        for (float[] t : groupSums) n += 4L * t.length;
        for (MemorySegment m : rowCopies) n += m.byteSize();
        return n;
    }

    /**
     * @param x       activations, token t at {@code x[t * xStride .. + cols)}
     * @param y       output, token t row r at {@code y[t * yStride + yOff + r]}
     */
    public void apply(Linear w, float[] x, int xStride, int tokens, float[] y, int yStride, int yOff) {
        checkWidth(w);
        Task t = task.prepare(x, xStride, tokens, y, yStride);
        t.w = w;
        t.yOff = yOff;
        run(w.rows(), (long) w.rows() * w.cols() * tokens);
    }

    /**
     * Several matrices applied to the same input in one parallel dispatch (q/k/v, gate/up): one synchronization
     * instead of several, and one balanced split of all their rows. Output i goes to {@code outputs[i]} with its
     * row width as stride.
     */
    public record Group(Linear[] weights, float[][] outputs) {
        int totalRows() {
            int n = 0;
            for (Linear w : weights) n += w.rows();
            return n;
        }
    }

    public void apply(Group g, float[] x, int xStride, int tokens) {
        for (Linear w : g.weights()) checkWidth(w);
        task.prepare(x, xStride, tokens, null, 0).group = g;
        run(g.totalRows(), (long) g.totalRows() * g.weights()[0].cols() * tokens);
    }

    /**
     * Matrix h of {@code perHead} applied to its own slice of the input, all in one parallel dispatch over their
     * concatenated rows: {@code y[t * yStride + h * yHeadStride + r] = sum_c W_h[r][c] x[t * xStride + h * xHeadStride
     * + c]}. Latent attention's per-head up-projections (kB_h on q_nope_h, vB_h on a head's latent output) are many
     * small matrices; one synchronization per layer instead of one per head (an input stride of 0 gives every head
     * the same input).
     */
    public void applyPerHead(Linear[] perHead, float[] x, int xStride, int xHeadStride, int tokens, float[] y,
                             int yStride, int yHeadStride) {
        for (Linear w : perHead) checkWidth(w);
        Task t = task.prepare(x, xStride, tokens, y, yStride);
        t.heads = perHead;
        t.xHeadStride = xHeadStride;
        t.yHeadStride = yHeadStride;
        int rows = perHead.length * perHead[0].rows();
        run(rows, (long) rows * perHead[0].cols() * tokens);
    }

    /**
     * Matrices on their own runs of tokens, in one parallel dispatch: segment i computes
     * {@code y[(tokenFrom[i] + t) * yStride + yOff[i] + r] = W_i x[(tokenFrom[i] + t) * xStride ..]} for
     * {@code t < tokenCount[i]} (segments 0 .. count - 1). The mixture-of-experts block's active experts, each on
     * the slots of the tokens routed to it: one synchronization for all of them. The split between threads weighs
     * each row by its segment's tokens, so an expert with many tokens is not one thread's work alone.
     */
    public void applySegments(Linear[] weights, int[] tokenFrom, int[] tokenCount, int[] yOff, int count,
                              float[] x, int xStride, float[] y, int yStride) {
        long units = 0, work = 0;
        for (int i = 0; i < count; i++) {
            checkWidth(weights[i]);
            units += (long) weights[i].rows() * tokenCount[i];
            work += (long) weights[i].rows() * weights[i].cols() * tokenCount[i];
        }
        if (units > Integer.MAX_VALUE) throw new IllegalArgumentException("too many rows x tokens: " + units);
        Task t = task.prepare(x, xStride, 0, y, yStride);
        t.segW = weights;
        t.segFrom = tokenFrom;
        t.segTokens = tokenCount;
        t.segYOff = yOff;
        t.segCount = count;
        run((int) units, work);
    }

    /** Runs the prepared task over {@code [0, n)} and drops its references to the caller's arrays and weights. */
    private void run(int n, long work) {
        try {
            if (task.segW == null && task.tokens <= DENSE_FUSED_TOKENS) {
                // Decode: each part in about CHUNKS_PER_THREAD chunks, the rest taken by whichever thread is free.
                int perChunk = Math.ceilDiv(n, pool.threads() * CHUNKS_PER_THREAD);
                int chunk = Math.max(1, Math.ceilDiv(perChunk, MIN_CHUNK_ROWS)) * MIN_CHUNK_ROWS;
                pool.parallelForChunks(n, chunk, task, work);
                return;
            }
            pool.parallelFor(n, task, work);
        } finally {
            task.prepare(null, 0, 0, null, 0);
        }
    }

    private void checkWidth(Linear w) {
        if (w.cols() * TILE_ROWS > tiles[0].length) {
            throw new IllegalArgumentException(w.name() + ": " + w.cols() + " columns exceed the workspace");
        }
    }

    private final class Task implements RangeTask {
        Group group;
        Linear[] heads;
        Linear[] segW;
        int[] segFrom, segTokens, segYOff;
        int segCount;
        Linear w;
        float[] x;
        float[] y;
        int xStride, tokens, yStride, yOff, xHeadStride, yHeadStride;

        /** One call's input and output, every mode (single, group, per head, segments) cleared. */
        Task prepare(float[] x, int xStride, int tokens, float[] y, int yStride) {
            dispatch++;
            group = null;
            heads = null;
            segW = null;
            segFrom = segTokens = segYOff = null;
            w = null;
            this.x = x;
            this.xStride = xStride;
            this.tokens = tokens;
            this.y = y;
            this.yStride = yStride;
            return this;
        }

        @Override
        public void run(int worker, int from, int to) {
            if (segW != null) {
                // Row r of segment i starts at unit base_i + r * tokens_i; a part runs the rows starting in it.
                long base = 0;
                for (int i = 0; i < segCount; i++) {
                    int n = segTokens[i], rows = segW[i].rows();
                    long end = base + (long) rows * n;
                    if (n > 0 && end > from && base < to) {
                        int lo = (int) Math.max(0, Math.ceilDiv(from - base, n));
                        int hi = (int) Math.min(rows, Math.ceilDiv(to - base, n));
                        if (lo < hi) {
                            runMatrix(worker, segW[i], segFrom[i] * xStride, y, yStride,
                                    segFrom[i] * yStride + segYOff[i], lo, hi, n);
                        }
                    }
                    base = end;
                }
                return;
            }
            if (heads != null) {
                int rows = heads[0].rows();
                for (int h = from / rows; h < heads.length && h * rows < to; h++) {
                    int lo = Math.max(from, h * rows) - h * rows, hi = Math.min(to, (h + 1) * rows) - h * rows;
                    runMatrix(worker, heads[h], h * xHeadStride, y, yStride, h * yHeadStride, lo, hi, tokens);
                }
                return;
            }
            if (group == null) {
                runMatrix(worker, w, 0, y, yStride, yOff, from, to, tokens);
                return;
            }
            // Concatenated row space: matrix i owns [base, base + rows_i).
            int base = 0;
            Linear[] ws = group.weights();
            for (int i = 0; i < ws.length; i++) {
                int lo = Math.max(from, base), hi = Math.min(to, base + ws[i].rows());
                if (lo < hi) {
                    runMatrix(worker, ws[i], 0, group.outputs()[i], ws[i].rows(), 0, lo - base, hi - base, tokens);
                }
                base += ws[i].rows();
            }
        }

        /** Rows [from, to) of {@code w} on {@code x[t * xStride + xOff ..]}, written at {@code y[t*yStride+yOff+r]}. */
        private void runMatrix(int worker, Linear w, int xOff, float[] y, int yStride, int yOff, int from, int to,
                               int tokens) {
            if (tokens <= (segW != null ? FUSED_TOKENS : DENSE_FUSED_TOKENS)) {
                fused(worker, w, xOff, y, yStride, yOff, from, to, tokens);
                return;
            }
            float[] tile = tiles[worker];
            int cols = w.cols();
            for (int t0 = 0; t0 < tokens; t0 += TOKEN_BLOCK) {
                int t1 = Math.min(tokens, t0 + TOKEN_BLOCK);
                boolean outer = vectorized && t1 - t0 >= OUTER_TOKENS;
                int tp = Math.ceilDiv(t1 - t0, L) * L;
                if (outer) transposeTokens(worker, xOff, t0, t1, cols, tp);
                for (int r0 = from; r0 < to; r0 += TILE_ROWS) {
                    int r1 = Math.min(to, r0 + TILE_ROWS);
                    for (int r = r0; r < r1; r++) {
                        w.kernel().dequantize(w.data(), w.rowOffset(r), tile, (r - r0) * cols, cols);
                    }
                    if (outer) {
                        outerProduct(worker, tile, r0, r1 - r0, cols, tp, t0, t1, y, yStride, yOff);
                    } else {
                        tileProduct(tile, r0, r1 - r0, cols, t0, t1, xOff, y, yStride, yOff);
                    }
                }
            }
        }

        /**
         * {@code tokensT[k * tp + i] = x[(t0 + i) * xStride + xOff + k]} for the block's tokens, zeros up to tp:
         * once per block and worker (and reused by the next matrix of the same dispatch on the same input).
         */
        private void transposeTokens(int worker, int xOff, int t0, int t1, int cols, int tp) {
            TransposedBlock held = transposed[worker];
            if (held.x == x && held.dispatch == dispatch && held.xOff == xOff && held.t0 == t0 && held.t1 == t1
                    && held.cols == cols) {
                return;
            }
            float[] xT = tokensT[worker];
            int n = t1 - t0;
            for (int i = 0; i < tp; i++) {
                if (i < n) {
                    int src = (t0 + i) * xStride + xOff;
                    int d = panelBase(i, cols);
                    for (int k = 0; k < cols; k++) xT[d + k * PANEL] = x[src + k];
                } else {
                    int d = panelBase(i, cols);
                    for (int k = 0; k < cols; k++) xT[d + k * PANEL] = 0f;
                }
            }
            held.x = x;
            held.dispatch = dispatch;
            held.xOff = xOff;
            held.t0 = t0;
            held.t1 = t1;
            held.cols = cols;
        }

        /**
         * Y[t][r0 + i] for the tile's rows and the block's tokens, as outer products: for each k, a vector of
         * LANES tokens' activations (tokensT, column-major) times each tile row's weight at k (a broadcast). Eight
         * rows x two token vectors keep sixteen accumulators for the whole k loop, and each step loads 2 vectors and
         * 8 scalars for 16 FMAs, where the dot form loads 8 vectors (of rows that do not stay in L1) for 16; the
         * token vectors are stored lane by lane (cols FMAs per lane stored).
         */
        private void outerProduct(int worker, float[] tile, int r0, int nRows, int cols, int tp, int t0, int t1,
                                  float[] y, int yStride, int yOff) {
            float[] xT = tokensT[worker];
            float[] yT = outT[worker];
            int i = 0;
            for (; i + 8 <= nRows; i += 8) {
                int t = 0;
                for (; t + 2 * L <= tp; t += 2 * L) outer8x2(tile, i * cols, cols, xT, t, yT, i * TOKEN_BLOCK + t);
                for (; t < tp; t += L) {
                    for (int k = i; k < i + 8; k++) outer1x1(tile, k * cols, cols, xT, t, yT, k * TOKEN_BLOCK + t);
                }
            }
            for (; i < nRows; i++) {
                for (int t = 0; t < tp; t += L) outer1x1(tile, i * cols, cols, xT, t, yT, i * TOKEN_BLOCK + t);
            }
            // yT is [row][token]; y wants each token's rows together: one gather of a token's LANES rows per store.
            int n = t1 - t0;
            if (nRows == L) {
                for (int t = 0; t < n; t++) {
                    FloatVector.fromArray(F, yT, t, ROWS_OF_TOKEN, 0).intoArray(y, (t0 + t) * yStride + yOff + r0);
                }
            } else {
                for (int t = 0; t < n; t++) {
                    for (int r = 0; r < nRows; r++) y[(t0 + t) * yStride + yOff + r0 + r] = yT[r * TOKEN_BLOCK + t];
                }
            }
        }

        private void outer8x2(float[] tile, int wOff, int cols, float[] xT, int t, float[] yT, int o) {
            int w0 = wOff, w1 = w0 + cols, w2 = w1 + cols, w3 = w2 + cols;
            int w4 = w3 + cols, w5 = w4 + cols, w6 = w5 + cols, w7 = w6 + cols;
            FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00;
            FloatVector a30 = a00, a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00;
            FloatVector a60 = a00, a61 = a00, a70 = a00, a71 = a00;
            int base = panelBase(t, cols);
            for (int k = 0; k < cols; k++) {
                FloatVector x0 = FloatVector.fromArray(F, xT, base + k * PANEL);
                FloatVector x1 = FloatVector.fromArray(F, xT, base + k * PANEL + L);
                FloatVector b = FloatVector.broadcast(F, tile[w0 + k]);
                a00 = x0.fma(b, a00);
                a01 = x1.fma(b, a01);
                b = FloatVector.broadcast(F, tile[w1 + k]);
                a10 = x0.fma(b, a10);
                a11 = x1.fma(b, a11);
                b = FloatVector.broadcast(F, tile[w2 + k]);
                a20 = x0.fma(b, a20);
                a21 = x1.fma(b, a21);
                b = FloatVector.broadcast(F, tile[w3 + k]);
                a30 = x0.fma(b, a30);
                a31 = x1.fma(b, a31);
                b = FloatVector.broadcast(F, tile[w4 + k]);
                a40 = x0.fma(b, a40);
                a41 = x1.fma(b, a41);
                b = FloatVector.broadcast(F, tile[w5 + k]);
                a50 = x0.fma(b, a50);
                a51 = x1.fma(b, a51);
                b = FloatVector.broadcast(F, tile[w6 + k]);
                a60 = x0.fma(b, a60);
                a61 = x1.fma(b, a61);
                b = FloatVector.broadcast(F, tile[w7 + k]);
                a70 = x0.fma(b, a70);
                a71 = x1.fma(b, a71);
            }
            a00.intoArray(yT, o);
            a01.intoArray(yT, o + L);
            a10.intoArray(yT, o + TOKEN_BLOCK);
            a11.intoArray(yT, o + TOKEN_BLOCK + L);
            a20.intoArray(yT, o + 2 * TOKEN_BLOCK);
            a21.intoArray(yT, o + 2 * TOKEN_BLOCK + L);
            a30.intoArray(yT, o + 3 * TOKEN_BLOCK);
            a31.intoArray(yT, o + 3 * TOKEN_BLOCK + L);
            a40.intoArray(yT, o + 4 * TOKEN_BLOCK);
            a41.intoArray(yT, o + 4 * TOKEN_BLOCK + L);
            a50.intoArray(yT, o + 5 * TOKEN_BLOCK);
            a51.intoArray(yT, o + 5 * TOKEN_BLOCK + L);
            a60.intoArray(yT, o + 6 * TOKEN_BLOCK);
            a61.intoArray(yT, o + 6 * TOKEN_BLOCK + L);
            a70.intoArray(yT, o + 7 * TOKEN_BLOCK);
            a71.intoArray(yT, o + 7 * TOKEN_BLOCK + L);
        }

        /** One row against one vector of tokens (the tile's leftover rows and token lanes). */
        private void outer1x1(float[] tile, int wOff, int cols, float[] xT, int t, float[] yT, int o) {
            FloatVector a = FloatVector.zero(F);
            int base = panelBase(t, cols);
            for (int k = 0; k < cols; k++) {
                a = FloatVector.fromArray(F, xT, base + k * PANEL).fma(FloatVector.broadcast(F, tile[wOff + k]), a);
            }
            a.intoArray(yT, o);
        }

        /** Where token i of a block starts in tokensT: panels of PANEL tokens, each [cols][PANEL] (k-major). */
        private static int panelBase(int i, int cols) {
            return (i / PANEL) * cols * PANEL + i % PANEL;
        }


        /**
         * The fused dequantize-dot for up to {@link #FUSED_TOKENS} tokens. For a format that reads them, each
         * worker sums its tokens' activations per group of 16 itself (cols adds, against rows x cols multiply-adds
         * in the product: no shared buffer, no extra synchronization). Then each format's
         * {@link RowKernel#decodePath}: the dot on the mapped rows, or {@value #COPY_ROWS} rows at a time copied out
         * of the mapping (one bulk copy) or dequantized into the worker's tile, which every token of the step then
         * reads from L1.
         */
        private void fused(int worker, Linear w, int xOff, float[] y, int yStride, int yOff, int from, int to,
                           int tokens) {
            float[] sums = groupSums[worker];
            int cols = w.cols(), groups = cols / RowKernel.SUM_GROUP;
            if (w.kernel().usesGroupSums()) {
                for (int t = 0; t < tokens; t++) {
                    ops.groupSums(x, xOff + t * xStride, cols, sums, t * groups);
                }
            }
            switch (w.kernel().decodePath()) {
                case IN_PLACE -> {
                    for (int t = 0; t < tokens; t++) {
                        w.kernel().dotRows(w.data(), w.rowBytes(), from, to, x, xOff + t * xStride, sums,
                                t * groups, cols, y, yOff + t * yStride);
                    }
                }
                case COPIED_ROWS -> copiedRows(worker, w, xOff, y, yStride, yOff, from, to, tokens, sums, groups);
                case DEQUANTIZED_ROWS -> dequantizedRows(worker, w, xOff, y, yStride, yOff, from, to, tokens);
            }
        }

        private void copiedRows(int worker, Linear w, int xOff, float[] y, int yStride, int yOff, int from, int to,
                                int tokens, float[] sums, int groups) {
            int cols = w.cols();
            MemorySegment copy = rowCopies[worker]; // COPY_ROWS rows of up to 4 bytes per column (F32)
            long rowBytes = w.rowBytes();
            for (int r0 = from; r0 < to; r0 += COPY_ROWS) {
                int n = Math.min(COPY_ROWS, to - r0);
                MemorySegment.copy(w.data(), r0 * rowBytes, copy, 0, n * rowBytes);
                for (int t = 0; t < tokens; t++) {
                    w.kernel().dotRows(copy, rowBytes, 0, n, x, xOff + t * xStride, sums, t * groups, cols, y,
                            yOff + t * yStride + r0);
                }
            }
        }

        private void dequantizedRows(int worker, Linear w, int xOff, float[] y, int yStride, int yOff, int from,
                                     int to, int tokens) {
            float[] tile = tiles[worker];
            int cols = w.cols();
            for (int r0 = from; r0 < to; r0 += COPY_ROWS) {
                int r1 = Math.min(to, r0 + COPY_ROWS);
                for (int r = r0; r < r1; r++) {
                    w.kernel().dequantize(w.data(), w.rowOffset(r), tile, (r - r0) * cols, cols);
                }
                for (int t = 0; t < tokens; t++) {
                    int xt = xOff + t * xStride, yt = yOff + t * yStride;
                    for (int r = r0; r < r1; r++) {
                        y[yt + r] = ops.dot(tile, (r - r0) * cols, x, xt, cols);
                    }
                }
            }
        }

        /** Y[t][r0 + i] for i < nRows, t in [t0, t1), from the dequantized tile rows. */
        private void tileProduct(float[] tile, int r0, int nRows, int cols, int t0, int t1, int xOff, float[] y,
                                 int yStride, int yOff) {
            int i = 0;
            if (vectorized) {
                for (; i + 4 <= nRows; i += 4) {
                    int t = t0;
                    for (; t + 4 <= t1; t += 4) {
                        kernel4x4(tile, i * cols, cols, t * xStride + xOff, y, t * yStride + yOff + r0 + i, yStride);
                    }
                    for (; t < t1; t++) {
                        for (int k = 0; k < 4; k++) {
                            y[t * yStride + yOff + r0 + i + k] = dot(tile, (i + k) * cols, x, t * xStride + xOff,
                                    cols);
                        }
                    }
                }
            }
            for (; i < nRows; i++) {
                for (int t = t0; t < t1; t++) {
                    y[t * yStride + yOff + r0 + i] = dot(tile, i * cols, x, t * xStride + xOff, cols);
                }
            }
        }

        /**
         * Four tile rows against four tokens: 16 accumulators, 8 loads per 16 FMAs; weights and activations are
         * each loaded once per k step and reused four times.
         */
        private void kernel4x4(float[] tile, int wOff, int cols, int x0, float[] y, int y0, int yStride) {
            int x1 = x0 + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
            int w0 = wOff, w1 = w0 + cols, w2 = w1 + cols, w3 = w2 + cols;
            FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
            FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
            FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
            FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
            int bound = cols - cols % L;
            int k = 0;
            for (; k < bound; k += L) {
                FloatVector v0 = FloatVector.fromArray(F, x, x0 + k);
                FloatVector v1 = FloatVector.fromArray(F, x, x1 + k);
                FloatVector v2 = FloatVector.fromArray(F, x, x2 + k);
                FloatVector v3 = FloatVector.fromArray(F, x, x3 + k);
                FloatVector r = FloatVector.fromArray(F, tile, w0 + k);
                a00 = r.fma(v0, a00); a01 = r.fma(v1, a01); a02 = r.fma(v2, a02); a03 = r.fma(v3, a03);
                r = FloatVector.fromArray(F, tile, w1 + k);
                a10 = r.fma(v0, a10); a11 = r.fma(v1, a11); a12 = r.fma(v2, a12); a13 = r.fma(v3, a13);
                r = FloatVector.fromArray(F, tile, w2 + k);
                a20 = r.fma(v0, a20); a21 = r.fma(v1, a21); a22 = r.fma(v2, a22); a23 = r.fma(v3, a23);
                r = FloatVector.fromArray(F, tile, w3 + k);
                a30 = r.fma(v0, a30); a31 = r.fma(v1, a31); a32 = r.fma(v2, a32); a33 = r.fma(v3, a33);
            }
            store(y, y0, a00, a10, a20, a30, tile, w0, x, x0, k, cols);
            store(y, y0 + yStride, a01, a11, a21, a31, tile, w0, x, x1, k, cols);
            store(y, y0 + 2 * yStride, a02, a12, a22, a32, tile, w0, x, x2, k, cols);
            store(y, y0 + 3 * yStride, a03, a13, a23, a33, tile, w0, x, x3, k, cols);
        }

        /** Reduces one token's four row accumulators and adds the scalar tail k .. cols. */
        private void store(float[] y, int yIdx, FloatVector r0, FloatVector r1, FloatVector r2, FloatVector r3,
                           float[] tile, int w0, float[] xs, int xo, int k, int cols) {
            float s0 = r0.reduceLanes(VectorOperators.ADD);
            float s1 = r1.reduceLanes(VectorOperators.ADD);
            float s2 = r2.reduceLanes(VectorOperators.ADD);
            float s3 = r3.reduceLanes(VectorOperators.ADD);
            for (int j = k; j < cols; j++) {
                float xv = xs[xo + j];
                s0 += tile[w0 + j] * xv;
                s1 += tile[w0 + cols + j] * xv;
                s2 += tile[w0 + 2 * cols + j] * xv;
                s3 += tile[w0 + 3 * cols + j] * xv;
            }
            y[yIdx] = s0;
            y[yIdx + 1] = s1;
            y[yIdx + 2] = s2;
            y[yIdx + 3] = s3;
        }

        private float dot(float[] a, int aOff, float[] b, int bOff, int n) {
            return ops.dot(a, aOff, b, bOff, n);
        }
    }
}
