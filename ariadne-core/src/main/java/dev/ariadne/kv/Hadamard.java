package dev.ariadne.kv;

/**
 * The orthonormal Walsh-Hadamard transform applied to quantized KV rows, in blocks of the largest power of two that
 * divides the row length (64 for head dim 64, 128 for 128; 16 for 80). It spreads an outlier over the whole block,
 * so a block scale set by max|x| wastes fewer levels on the others: q4_0 KV needs it to stay within llama.cpp's
 * accuracy. The transform is symmetric and its own inverse ({@code H H = I}), so
 * <pre>
 * keys:    store H k, score with H q            (H q) . (H k) = q . k
 * values:  store H v, attend, rotate back       H (sum_j p_j H v_j) = sum_j p_j v_j
 * </pre>
 * Per row it costs n log2 n additions, once per stored row and once per query and output row of a layer.
 */
public final class Hadamard {
    private Hadamard() {
    }

    /** The block length for rows of {@code n} values: the largest power of two dividing n. */
    public static int blockLength(int n) {
        return n & -n;
    }

    /** {@code x[off .. off + n)} = H x (keys, values and queries). */
    public static void rotate(float[] x, int off, int n) {
        transform(x, off, n);
    }

    /** The inverse of {@link #rotate}, which is H again (attention outputs). */
    public static void rotateBack(float[] x, int off, int n) {
        transform(x, off, n);
    }

    /** The inverse of {@link #rotate} of rows whose blocks are {@code block} long, on a prefix of n values. */
    public static void rotateBack(float[] x, int off, int n, int block) {
        if (n % block != 0) {
            throw new IllegalArgumentException(n + " values are not whole Hadamard blocks of " + block);
        }
        transform(x, off, n, block);
    }

    private static void transform(float[] x, int off, int n) {
        transform(x, off, n, blockLength(n));
    }

    /** The fast transform H of each block, scaled by 1/sqrt(block): symmetric and orthonormal. */
    private static void transform(float[] x, int off, int n, int len) {
        float norm = (float) (1.0 / Math.sqrt(len));
        for (int b = off; b < off + n; b += len) {
            for (int h = 1; h < len; h <<= 1) {
                for (int i = b; i < b + len; i += h << 1) {
                    for (int j = i; j < i + h; j++) {
                        float u = x[j], v = x[j + h];
                        x[j] = u + v;
                        x[j + h] = u - v;
                    }
                }
            }
            for (int i = b; i < b + len; i++) x[i] *= norm;
        }
    }
}
