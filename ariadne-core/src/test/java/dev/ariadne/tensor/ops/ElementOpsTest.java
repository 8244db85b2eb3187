package dev.ariadne.tensor.ops;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** VectorMath against ScalarMath at odd sizes with seeded inputs. */
class ElementOpsTest {
    private static final ElementOps S = ScalarMath.INSTANCE;
    private static final ElementOps V = VectorMath.INSTANCE;

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n + 3];
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextDouble() * 4 - 2);
        return a;
    }

    private static void assertClose(float[] expected, float[] actual, double tol, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol * Math.max(1, Math.abs(expected[i])), what + " at " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 16, 33, 207, 702, 1024})
    void dotAndReductions(int n) {
        float[] a = random(n, n), b = random(n, n + 1);
        double sumAbs = 0;
        for (int i = 0; i < n; i++) sumAbs += Math.abs(a[i + 1] * b[i + 2]);
        assertEquals(S.dot(a, 1, b, 2, n), V.dot(a, 1, b, 2, n), 1e-5 * sumAbs + 1e-6, "dot");
        assertEquals(S.max(a, 2, n), V.max(a, 2, n), 0, "max");
        float[] es = a.clone(), ev = a.clone();
        float m = S.max(a, 1, n);
        assertEquals(S.expShiftedSum(es, 1, n, m), V.expShiftedSum(ev, 1, n, m), 1e-5 * n, "exp sum");
        assertClose(es, ev, 1e-5, "exp");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 16, 33, 207, 702, 1024})
    void elementWise(int n) {
        float[] x = random(n, 3 * n), w = random(n, 5 * n), y = random(n, 7 * n);
        float[] os = new float[n + 3], ov = new float[n + 3];
        S.rmsNorm(os, 1, x, 2, w, n, 1e-6f);
        V.rmsNorm(ov, 1, x, 2, w, n, 1e-6f);
        assertClose(os, ov, 1e-5, "rmsNorm");

        float[] gs = x.clone(), gv = x.clone();
        S.swiGlu(gs, 1, y, 2, n);
        V.swiGlu(gv, 1, y, 2, n);
        assertClose(gs, gv, 1e-5, "swiGlu");

        float[] as = y.clone(), av = y.clone();
        S.axpy(0.37f, x, 1, as, 2, n);
        V.axpy(0.37f, x, 1, av, 2, n);
        assertClose(as, av, 1e-6, "axpy");

        S.add(as, 0, x, 1, n);
        V.add(av, 0, x, 1, n);
        assertClose(as, av, 1e-6, "add");

        S.scale(as, 2, n, -1.5f);
        V.scale(av, 2, n, -1.5f);
        assertClose(as, av, 1e-6, "scale");
    }
}
