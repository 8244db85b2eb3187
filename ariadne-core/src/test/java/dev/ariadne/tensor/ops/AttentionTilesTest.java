package dev.ariadne.tensor.ops;

import dev.ariadne.quant.VectorShapes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Vector API tile kernels against their scalar twins, over odd tile lengths (the 4-key blocks' remainders),
 * row counts that are and are not multiples of 4 and of 4 x LANES, widths off the vector chunking, and masked scores.
 */
class AttentionTilesTest {
    private static final AttentionTiles SCALAR = ScalarAttentionTiles.INSTANCE;
    private static final AttentionTiles VECTOR = VectorAttentionTiles.INSTANCE;

    @ParameterizedTest(name = "rows={0} n={1} kw={2} vw={3}")
    @CsvSource({"2, 1, 128, 128", "8, 7, 128, 128", "64, 64, 128, 128", "67, 33, 96, 80", "128, 61, 576, 512",
            "5, 4, 8, 8", "19, 3, 40, 24", "16, 65, 64, 64"})
    void vectorMatchesScalar(int rows, int n, int kw, int vw) {
        int lanes = VectorShapes.LANES;
        int rp = Math.ceilDiv(rows, lanes) * lanes;
        SplittableRandom rnd = new SplittableRandom(rows * 31L + n);
        float[] qT = new float[kw * rp];
        for (int c = 0; c < kw; c++) {
            for (int r = 0; r < rows; r++) qT[c * rp + r] = (float) rnd.nextGaussian();
        }
        int kOff = 3;
        float[] k = gaussian(rnd, kOff + n * kw);
        float[] v = gaussian(rnd, n * (vw + 1));
        float scale = (float) (1 / Math.sqrt(kw));
        float[] sScalar = new float[n * rp], sVector = new float[n * rp];
        SCALAR.scores(qT, rp, k, kOff, kw, kw, n, scale, sScalar, 0);
        VECTOR.scores(qT, rp, k, kOff, kw, kw, n, scale, sVector, 0);
        assertClose(sScalar, sVector, 1e-4f, "scores");

        // A causal diagonal: key j hidden from rows below j; row 0 sees only key 0.
        for (int j = 1; j < n; j++) {
            int hidden = Math.min(rows, j);
            Arrays.fill(sScalar, j * rp, j * rp + hidden, Float.NEGATIVE_INFINITY);
            Arrays.fill(sVector, j * rp, j * rp + hidden, Float.NEGATIVE_INFINITY);
        }
        float[] mS = runningMax(rnd, rp), mV = mS.clone();
        float[] lS = gaussian(rnd, rp), lV = lS.clone();
        float[] aS = new float[rp], aV = new float[rp];
        SCALAR.softmax(sScalar, rp, n, mS, lS, aS);
        VECTOR.softmax(sVector, rp, n, mV, lV, aV);
        assertClose(sScalar, sVector, 1e-5f, "weights");
        assertClose(mS, mV, 1e-5f, "max");
        assertClose(lS, lV, 1e-4f, "sum");
        assertClose(aS, aV, 1e-5f, "rescale");

        int[] oOff = new int[rows];
        for (int r = 0; r < rows; r++) oOff[r] = (rows - 1 - r) * (vw + 2) + 1; // rows out of order, gaps between
        float[] oS = gaussian(rnd, rows * (vw + 2) + 1), oV = oS.clone();
        SCALAR.accumulate(sScalar, rp, rows, n, v, vw + 1, vw, aS, oS, oOff);
        VECTOR.accumulate(sScalar, rp, rows, n, v, vw + 1, vw, aS, oV, oOff);
        assertClose(oS, oV, 1e-4f, "output");
    }

    /** Some rows start with nothing seen (-infinity), others with a finite running max. */
    private static float[] runningMax(SplittableRandom rnd, int rp) {
        float[] m = new float[rp];
        for (int r = 0; r < rp; r++) m[r] = r % 3 == 0 ? Float.NEGATIVE_INFINITY : (float) rnd.nextGaussian();
        return m;
    }

    private static float[] gaussian(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    private static void assertClose(float[] expected, float[] actual, float tolerance, String what) {
        for (int i = 0; i < expected.length; i++) {
            float tol = tolerance * Math.max(1f, Math.abs(expected[i]));
            if (Float.isInfinite(expected[i])) {
                assertEquals(expected[i], actual[i], what + " " + i);
            } else {
                assertEquals(expected[i], actual[i], tol, what + " " + i);
            }
        }
    }
}
