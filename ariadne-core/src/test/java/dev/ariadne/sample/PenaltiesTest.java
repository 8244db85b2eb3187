package dev.ariadne.sample;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PenaltiesTest {
    private static final float[] LOGITS = {2.0f, -1.0f, 0.5f, 3.0f, -0.5f, 1.0f};
    private static final SamplingParams ALL = SamplingParams.greedy(1).withPenalties(2f, 0.5f, 0.25f);

    private static float[] row() {
        return LOGITS.clone();
    }

    @Test
    void handComputedExample() {
        // prompt {0, 1, 1}, output {2, 2, 4, 0}; repetition 2, presence 0.5, frequency 0.25:
        //   token 0: prompt and output once:  2.0 / 2 = 1.0,   - 0.25 * 1 - 0.5 =  0.25
        //   token 1: prompt only (twice):    -1.0 * 2 = -2.0  (repetition only, once)
        //   token 2: output twice:            0.5 / 2 = 0.25,  - 0.25 * 2 - 0.5 = -0.75
        //   token 3: absent:                  3.0
        //   token 4: output once:            -0.5 * 2 = -1.0,  - 0.25 * 1 - 0.5 = -1.75
        //   token 5: absent:                  1.0
        float[] logits = row();
        new Penalties(6).apply(logits, 0, ALL, new int[] {0, 1, 1}, 3, new int[] {2, 2, 4, 0}, 4);
        assertArrayEquals(new float[] {0.25f, -2.0f, -0.75f, 3.0f, -1.75f, 1.0f}, logits, 1e-6f);
    }

    @Test
    void appliesAtAnOffsetAndOnlyToTheGivenLengths() {
        float[] logits = new float[14];
        System.arraycopy(LOGITS, 0, logits, 4, 6);
        // Ids past promptLen / outputLen (here 5) must be ignored.
        new Penalties(6).apply(logits, 4, ALL, new int[] {0, 1, 1, 5}, 3, new int[] {2, 2, 4, 0, 5}, 4);
        float[] expected = new float[14];
        System.arraycopy(new float[] {0.25f, -2.0f, -0.75f, 3.0f, -1.75f, 1.0f}, 0, expected, 4, 6);
        assertArrayEquals(expected, logits, 1e-6f);
    }

    @Test
    void eachPenaltyAlone() {
        Penalties pen = new Penalties(6);
        int[] prompt = {3};
        int[] output = {2, 2};
        float[] rep = row();
        pen.apply(rep, 0, ALL.withPenalties(1.5f, 0, 0), prompt, 1, output, 2);
        assertArrayEquals(new float[] {2.0f, -1.0f, 0.5f / 1.5f, 2.0f, -0.5f, 1.0f}, rep, 1e-6f);
        float[] presence = row();
        pen.apply(presence, 0, ALL.withPenalties(1, 1f, 0), prompt, 1, output, 2);
        assertArrayEquals(new float[] {2.0f, -1.0f, -0.5f, 3.0f, -0.5f, 1.0f}, presence, 1e-6f);
        float[] frequency = row();
        pen.apply(frequency, 0, ALL.withPenalties(1, 0, -1f), prompt, 1, output, 2);
        assertArrayEquals(new float[] {2.0f, -1.0f, 2.5f, 3.0f, -0.5f, 1.0f}, frequency, 1e-6f);
    }

    @Test
    void neutralParamsLeaveTheRowAndTheHistoryAlone() {
        float[] logits = row();
        // Out-of-range ids show the history is not even read.
        new Penalties(6).apply(logits, 0, SamplingParams.greedy(1), new int[] {-7}, 1, new int[] {99}, 1);
        assertArrayEquals(LOGITS, logits);
    }

    @Test
    void countsStartFromZeroOnEveryCall() {
        Penalties pen = new Penalties(6);
        pen.apply(row(), 0, ALL, new int[] {0, 1, 1}, 3, new int[] {2, 2, 4, 0}, 4);
        // A stale count of token 2 (2) or a stale mark on 0 or 1 (both skip the repetition penalty) shows here.
        float[] logits = row();
        pen.apply(logits, 0, ALL, new int[] {5, 1}, 2, new int[] {2, 0}, 2);
        assertArrayEquals(new float[] {2.0f / 2 - 0.25f - 0.5f, -2.0f, 0.5f / 2 - 0.25f - 0.5f, 3.0f, -0.5f, 0.5f},
                logits, 1e-6f);
    }

    @Test
    void outOfRangeIdsAreRejectedAndLeaveNoStaleCounts() {
        Penalties pen = new Penalties(6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pen.apply(row(), 0, ALL, new int[] {0}, 1, new int[] {2, 2, 6}, 3));
        assertEquals("token id 6 is outside the vocabulary of 6", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> pen.apply(row(), 0, ALL, new int[] {1, 3, -1}, 3, new int[] {2, 4}, 2));
        float[] logits = row();
        pen.apply(logits, 0, ALL, new int[] {1, 3}, 2, new int[] {2, 4}, 2);
        assertArrayEquals(new float[] {2.0f, -2.0f, 0.5f / 2 - 0.25f - 0.5f, 1.5f, -0.5f * 2 - 0.25f - 0.5f, 1.0f},
                logits, 1e-6f);
    }
}
