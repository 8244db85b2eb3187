package dev.ariadne.kv;

import dev.ariadne.quant.HalfFloats;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.quant.Q4_0;
import dev.ariadne.quant.Q8_0;
import dev.ariadne.quant.RowKernel;
import dev.ariadne.quant.WeightFormat;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.ariadne.quant.VectorShapes.B;
import static dev.ariadne.quant.VectorShapes.F;
import static dev.ariadne.quant.VectorShapes.I;
import static dev.ariadne.quant.VectorShapes.LANES;
import static dev.ariadne.quant.VectorShapes.LE;
import static dev.ariadne.quant.VectorShapes.S;

/**
 * The KV rows of one element type, and the two attention kernels that read them in place for the query heads of
 * one KV head (a GQA group):
 * <pre>
 * scores(g, j)  = scale * q_g . K[j]                         j < n
 * out_g        += sum_j p(g, j) * V[j]
 * </pre>
 * The vector path widens each chunk of a K or V row once and uses it for every query head of the group, straight
 * from the cache (no scratch copy); quantized rows are dequantized chunk by chunk in registers (block or row scale
 * times the widened codes). The scalar path widens whole rows into a scratch row: it is the reference.
 *
 * <p>Rows of a {@link KvCacheDType#rotated} type hold H k and H v ({@link Hadamard}); attention rotates its queries
 * with {@link #rotate} before scoring and its outputs back after the softmax, so the kernels need not know.
 * {@link #store} quantizes through one scratch row: stores run on one thread (the model's step loop).
 */
public final class KvRows {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final int MAX_GROUP = 16;

    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private final KvCacheDType dtype;
    private final RowKernel kernel;     // null for fp8 and int8, which this class decodes itself
    private final boolean vectorized;
    private float[] rotated = new float[0]; // [headDim] the row being stored, rotated (grown once)

    public KvRows(KvCacheDType dtype, KernelProvider kernels) {
        this.dtype = dtype;
        this.kernel = dtype.storage != null ? kernels.kernel(dtype.storage) : null;
        // The chunk loads of the block formats read LANES values of one 32-value block.
        this.vectorized = kernels.vectorized() && (dtype.groupSize() == 1 || Q8_0.BLOCK % LANES == 0);
    }

    public KvCacheDType dtype() {
        return dtype;
    }

    /** Stores {@code src[srcOff .. srcOff + n)} as one row at byte {@code offset}: rotated and quantized as the type says. */
    public void store(MemorySegment seg, long offset, float[] src, int srcOff, int n) {
        if (dtype.rotated) {
            if (rotated.length < n) rotated = new float[n];
            System.arraycopy(src, srcOff, rotated, 0, n);
            Hadamard.rotate(rotated, 0, n);
            src = rotated;
            srcOff = 0;
        }
        switch (dtype) {
            case FP32 -> MemorySegment.copy(src, srcOff, seg, FLOAT, offset, n);
            case FP16 -> {
                for (int i = 0; i < n; i++) seg.set(SHORT, offset + 2L * i, Float.floatToFloat16(src[srcOff + i]));
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) seg.set(SHORT, offset + 2L * i, HalfFloats.floatToBf16(src[srcOff + i]));
            }
            case FP8 -> {
                float scale = absMax(src, srcOff, n) / Fp8E4M3.MAX;
                float inv = scale != 0f ? 1f / scale : 0f;
                seg.set(FLOAT, offset, scale);
                for (int i = 0; i < n; i++) seg.set(BYTE, offset + 4 + i, Fp8E4M3.encode(src[srcOff + i] * inv));
            }
            case INT8 -> {
                float scale = absMax(src, srcOff, n) / 127f;
                float inv = scale != 0f ? 1f / scale : 0f;
                seg.set(FLOAT, offset, scale);
                for (int i = 0; i < n; i++) {
                    seg.set(BYTE, offset + 4 + i, (byte) WeightFormat.roundHalfAway(src[srcOff + i] * inv));
                }
            }
            case Q8_0 -> Q8_0.QUANTIZER.quantize(src, srcOff, n, seg, offset);
            case Q4_0 -> Q4_0Rows.store(src, srcOff, n, seg, offset);
        }
    }

    /** For a rotated type, {@code x[off .. off + n)} rotated as stored rows are (a query before scoring). */
    public void rotate(float[] x, int off, int n) {
        if (dtype.rotated) Hadamard.rotate(x, off, n);
    }

    /** For a rotated type, the inverse rotation (an attention output, a weighted sum of rotated values). */
    public void rotateBack(float[] x, int off, int n) {
        if (dtype.rotated) Hadamard.rotateBack(x, off, n);
    }

    /**
     * As above for the first {@code n} values of stored rows of {@code rowLength} values (latent attention reads its
     * values as the first kv_lora_rank values of the key rows): in the rows' own Hadamard blocks.
     */
    public void rotateBack(float[] x, int off, int n, int rowLength) {
        if (dtype.rotated) Hadamard.rotateBack(x, off, n, Hadamard.blockLength(rowLength));
    }

    private static float absMax(float[] x, int off, int n) {
        float m = 0f;
        for (int i = 0; i < n; i++) m = Math.max(m, Math.abs(x[off + i]));
        return m;
    }

    /** {@code dst[dstOff + i] = row[i]} for {@code i < n}: one stored row widened to floats. */
    public void widen(MemorySegment seg, long offset, float[] dst, int dstOff, int n) {
        switch (dtype) {
            case FP8 -> {
                float scale = seg.get(FLOAT, offset);
                for (int i = 0; i < n; i++) dst[dstOff + i] = Fp8E4M3.decode(seg.get(BYTE, offset + 4 + i)) * scale;
            }
            case INT8 -> {
                float scale = seg.get(FLOAT, offset);
                for (int i = 0; i < n; i++) dst[dstOff + i] = seg.get(BYTE, offset + 4 + i) * scale;
            }
            default -> kernel.dequantize(seg, offset, dst, dstOff, n);
        }
    }

    /**
     * {@code s[g * stride + j] = scale * q[qBase + g*hd ..] . K[from + j]} for the {@code group} query heads of
     * {@code kvHead} and the {@code n} positions {@code from .. from + n - 1} (one tile of keys).
     *
     * @param row scratch of at least hd floats (scalar path)
     */
    public void scores(KvCache kv, MemorySegment keys, int kvHead, int from, int n, float[] q, int qBase, int group,
                       int hd, float scale, float[] s, int stride, float[] row) {
        if (!vectorized || hd % LANES != 0 || group > MAX_GROUP) {
            for (int j = 0; j < n; j++) {
                widen(keys, kv.rowOffset(from + j, kvHead), row, 0, hd);
                for (int g = 0; g < group; g++) {
                    float dot = 0f;
                    for (int c = 0; c < hd; c++) dot += row[c] * q[qBase + g * hd + c];
                    s[g * stride + j] = dot * scale;
                }
            }
            return;
        }
        if (group > 2) {
            scoresWide(kv, keys, kvHead, from, n, q, qBase, group, hd, scale, s, stride, row);
            return;
        }
        for (int j = 0; j < n; j++) {
            long off = kv.rowOffset(from + j, kvHead);
            if (group == 2) {
                // The common GQA ratio gets two live accumulators and no inner loop over heads.
                FloatVector a0 = FloatVector.zero(F), a1 = a0;
                for (int c = 0; c < hd; c += LANES) {
                    FloatVector k = load(keys, off, c);
                    a0 = k.fma(FloatVector.fromArray(F, q, qBase + c), a0);
                    a1 = k.fma(FloatVector.fromArray(F, q, qBase + hd + c), a1);
                }
                s[j] = a0.reduceLanes(VectorOperators.ADD) * scale;
                s[stride + j] = a1.reduceLanes(VectorOperators.ADD) * scale;
            } else {
                for (int g = 0; g < group; g++) {
                    FloatVector a = FloatVector.zero(F);
                    for (int c = 0; c < hd; c += LANES) {
                        a = load(keys, off, c).fma(FloatVector.fromArray(F, q, qBase + g * hd + c), a);
                    }
                    s[g * stride + j] = a.reduceLanes(VectorOperators.ADD) * scale;
                }
            }
        }
    }

    /**
     * {@link #scores} for three or more query heads per KV head (MQA-like: multi-head latent attention shares one
     * latent row among all heads): each key row is widened once into {@code row} and dotted with four heads' queries
     * at a time, so the widening is paid once per position rather than once per head, and four independent
     * accumulators hide the FMA latency. Each head sums over c in the same order as the one-head loop.
     */
    private void scoresWide(KvCache kv, MemorySegment keys, int kvHead, int from, int n, float[] q, int qBase,
                            int group, int hd, float scale, float[] s, int stride, float[] row) {
        for (int j = 0; j < n; j++) {
            widen(keys, kv.rowOffset(from + j, kvHead), row, 0, hd);
            int g = 0;
            for (; g + 4 <= group; g += 4) {
                int q0 = qBase + g * hd;
                FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
                for (int c = 0; c < hd; c += LANES) {
                    FloatVector k = FloatVector.fromArray(F, row, c);
                    a0 = k.fma(FloatVector.fromArray(F, q, q0 + c), a0);
                    a1 = k.fma(FloatVector.fromArray(F, q, q0 + hd + c), a1);
                    a2 = k.fma(FloatVector.fromArray(F, q, q0 + 2 * hd + c), a2);
                    a3 = k.fma(FloatVector.fromArray(F, q, q0 + 3 * hd + c), a3);
                }
                s[g * stride + j] = a0.reduceLanes(VectorOperators.ADD) * scale;
                s[(g + 1) * stride + j] = a1.reduceLanes(VectorOperators.ADD) * scale;
                s[(g + 2) * stride + j] = a2.reduceLanes(VectorOperators.ADD) * scale;
                s[(g + 3) * stride + j] = a3.reduceLanes(VectorOperators.ADD) * scale;
            }
            for (; g < group; g++) {
                FloatVector a = FloatVector.zero(F);
                for (int c = 0; c < hd; c += LANES) {
                    a = FloatVector.fromArray(F, row, c).fma(FloatVector.fromArray(F, q, qBase + g * hd + c), a);
                }
                s[g * stride + j] = a.reduceLanes(VectorOperators.ADD) * scale;
            }
        }
    }

    /**
     * {@code out[outBase + g*hd ..] += sum_j p[g * stride + j] * V[from + j]} for the group's query heads and the
     * {@code n} positions of one tile (accumulates: the online softmax rescales out between tiles). The vector path
     * walks two LANES-wide column chunks at a time across the tile's positions, keeping the accumulators in
     * registers, so the output is read and written once per tile instead of per position.
     */
    public void weightedSum(KvCache kv, MemorySegment values, int kvHead, int from, int n, float[] p, int stride,
                            int group, int hd, float[] out, int outBase, float[] row) {
        if (!vectorized || hd % LANES != 0 || group > MAX_GROUP) {
            for (int j = 0; j < n; j++) {
                widen(values, kv.rowOffset(from + j, kvHead), row, 0, hd);
                for (int g = 0; g < group; g++) {
                    float w = p[g * stride + j];
                    for (int c = 0; c < hd; c++) out[outBase + g * hd + c] += w * row[c];
                }
            }
            return;
        }
        if (group > 2) {
            weightedSumWide(kv, values, kvHead, from, n, p, stride, group, hd, out, outBase, row);
            return;
        }
        // Two LANES-wide column chunks per pass over the positions (64 B of an f16 row: one cache line), with two
        // independent accumulators per query head. Four chunks per pass read whole lines too, but the widening
        // code inlined four times exceeds C2's inlining budget and the loop falls back to boxed vectors (10x slower).
        int c = 0;
        for (; c + 2 * LANES <= hd; c += 2 * LANES) {
            if (group == 2) {
                // Both query heads of the common GQA ratio share each widened chunk.
                FloatVector a0 = FloatVector.fromArray(F, out, outBase + c);
                FloatVector a1 = FloatVector.fromArray(F, out, outBase + c + LANES);
                FloatVector b0 = FloatVector.fromArray(F, out, outBase + hd + c);
                FloatVector b1 = FloatVector.fromArray(F, out, outBase + hd + c + LANES);
                for (int j = 0; j < n; j++) {
                    long off = kv.rowOffset(from + j, kvHead);
                    FloatVector v0 = load(values, off, c), v1 = load(values, off, c + LANES);
                    FloatVector wa = FloatVector.broadcast(F, p[j]), wb = FloatVector.broadcast(F, p[stride + j]);
                    a0 = v0.fma(wa, a0);
                    a1 = v1.fma(wa, a1);
                    b0 = v0.fma(wb, b0);
                    b1 = v1.fma(wb, b1);
                }
                a0.intoArray(out, outBase + c);
                a1.intoArray(out, outBase + c + LANES);
                b0.intoArray(out, outBase + hd + c);
                b1.intoArray(out, outBase + hd + c + LANES);
                continue;
            }
            for (int g = 0; g < group; g++) {
                int o = outBase + g * hd + c;
                FloatVector a0 = FloatVector.fromArray(F, out, o), a1 = FloatVector.fromArray(F, out, o + LANES);
                for (int j = 0; j < n; j++) {
                    long off = kv.rowOffset(from + j, kvHead);
                    FloatVector w = FloatVector.broadcast(F, p[g * stride + j]);
                    a0 = load(values, off, c).fma(w, a0);
                    a1 = load(values, off, c + LANES).fma(w, a1);
                }
                a0.intoArray(out, o);
                a1.intoArray(out, o + LANES);
            }
        }
        for (; c < hd; c += LANES) {
            for (int g = 0; g < group; g++) {
                FloatVector a = FloatVector.fromArray(F, out, outBase + g * hd + c);
                for (int j = 0; j < n; j++) {
                    a = load(values, kv.rowOffset(from + j, kvHead), c).fma(FloatVector.broadcast(F, p[g * stride + j]), a);
                }
                a.intoArray(out, outBase + g * hd + c);
            }
        }
    }

    /**
     * {@link #weightedSum} for three or more query heads per KV head: each value row is widened once into
     * {@code row} and added into every head's output (group x hd floats, in L1), positions in the same order as the
     * one-head loop, so each output value gets the same sum.
     */
    private void weightedSumWide(KvCache kv, MemorySegment values, int kvHead, int from, int n, float[] p,
                                 int stride, int group, int hd, float[] out, int outBase, float[] row) {
        for (int j = 0; j < n; j++) {
            widen(values, kv.rowOffset(from + j, kvHead), row, 0, hd);
            for (int g = 0; g < group; g++) {
                FloatVector w = FloatVector.broadcast(F, p[g * stride + j]);
                int o = outBase + g * hd;
                for (int c = 0; c < hd; c += LANES) {
                    FloatVector.fromArray(F, row, c).fma(w, FloatVector.fromArray(F, out, o + c)).intoArray(out, o + c);
                }
            }
        }
    }

    /**
     * LANES values of a row starting at value {@code c}, widened (dequantized) to floats. Each case is one small
     * static method so that the whole switch stays within C2's inlining budget inside the kernels' loops.
     */
    private FloatVector load(MemorySegment seg, long rowOffset, int c) {
        return switch (dtype) {
            case FP32 -> FloatVector.fromMemorySegment(F, seg, rowOffset + 4L * c, LE);
            case FP16 -> HalfFloats.f16ToFloat(ShortVector.fromMemorySegment(S, seg, rowOffset + 2L * c, LE));
            case BF16 -> HalfFloats.bf16ToFloat(ShortVector.fromMemorySegment(S, seg, rowOffset + 2L * c, LE));
            case FP8 -> loadFp8(seg, rowOffset, c);
            case INT8 -> loadInt8(seg, rowOffset, c);
            case Q8_0 -> loadQ8_0(seg, rowOffset, c);
            case Q4_0 -> loadQ4_0(seg, rowOffset, c);
        };
    }

    /** e4m3 codes to floats by moving the 7 magnitude bits into float position ({@link Fp8E4M3#decode}). */
    private static FloatVector loadFp8(MemorySegment seg, long row, int c) {
        IntVector i = (IntVector) ByteVector.fromMemorySegment(B, seg, row + 4 + c, LE)
                .convertShape(VectorOperators.B2I, I, 0);
        IntVector bits = i.and(0x80).lanewise(VectorOperators.LSHL, 24)
                .or(i.and(0x7f).lanewise(VectorOperators.LSHL, 20));
        return bits.reinterpretAsFloats().mul(Fp8E4M3.BIAS_SCALE).mul(seg.get(FLOAT, row));
    }

    private static FloatVector loadInt8(MemorySegment seg, long row, int c) {
        return ((FloatVector) ByteVector.fromMemorySegment(B, seg, row + 4 + c, LE)
                .convertShape(VectorOperators.B2F, F, 0)).mul(seg.get(FLOAT, row));
    }

    /** Values c .. c + LANES of a q8_0 row lie in block c / 32: its f16 scale times the widened int8s. */
    private static FloatVector loadQ8_0(MemorySegment seg, long row, int c) {
        long bo = row + (long) (c >>> 5) * Q8_0.BLOCK_BYTES;
        float d = Float.float16ToFloat(seg.get(SHORT, bo));
        return ((FloatVector) ByteVector.fromMemorySegment(B, seg, bo + 2 + (c & 31), LE)
                .convertShape(VectorOperators.B2F, F, 0)).mul(d);
    }

    /**
     * Values c .. c + LANES of a q4_0 row: value u of a block is the low nibble of byte u (u < 16) or the high nibble
     * of byte u - 16. The nibble is moved with a 16-bit shift (x86 has no byte shift) and masked; -8 on bytes.
     */
    private static FloatVector loadQ4_0(MemorySegment seg, long row, int c) {
        long bo = row + (long) (c >>> 5) * Q4_0.BLOCK_BYTES;
        int u = c & 31;
        float d = Float.float16ToFloat(seg.get(SHORT, bo));
        ByteVector q = ByteVector.fromMemorySegment(B, seg, bo + 2 + (u & 15), LE).reinterpretAsShorts()
                .lanewise(VectorOperators.LSHR, 4 * (u >>> 4)).reinterpretAsBytes().and((byte) 0x0F).sub((byte) 8);
        return ((FloatVector) q.convertShape(VectorOperators.B2F, F, 0)).mul(d);
    }
}
