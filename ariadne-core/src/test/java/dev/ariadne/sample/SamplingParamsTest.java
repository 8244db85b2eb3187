package dev.ariadne.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplingParamsTest {
    private static final SamplingParams BASE = new SamplingParams(0.8f, 0.9f, 40, 7, 16, new int[] {2}, false);

    @Test
    void sevenArgumentConstructorLeavesTheNewFieldsOff() {
        SamplingParams p = new SamplingParams(0.8f, 0.9f, 40, 7, 16, new int[] {2}, false);
        assertEquals(0.8f, p.temperature());
        assertEquals(0.9f, p.topP());
        assertEquals(40, p.topK());
        assertEquals(7, p.seed());
        assertEquals(16, p.maxTokens());
        assertArrayEquals(new int[] {2}, p.stopTokenIds());
        assertFalse(p.ignoreEos());
        assertEquals(0f, p.minP());
        assertEquals(1f, p.repetitionPenalty());
        assertEquals(0f, p.presencePenalty());
        assertEquals(0f, p.frequencyPenalty());
        assertEquals(-1, p.logprobs());
        assertEquals(List.of(), p.stop());
        assertFalse(p.hasPenalties());
    }

    @Test
    void greedyFactoryIsGreedyAndIgnoresEos() {
        SamplingParams p = SamplingParams.greedy(5);
        assertTrue(p.isGreedy());
        assertEquals(5, p.maxTokens());
        assertFalse(p.stopsAt(2));
        assertTrue(BASE.stopsAt(2));
        assertFalse(BASE.stopsAt(3));
    }

    @Test
    void temperatureBelowVllmsEpsilonIsGreedy() {
        assertFalse(BASE.isGreedy());
        assertTrue(new SamplingParams(0f, 1f, 0, 0, 1, null, true).isGreedy());
        assertTrue(new SamplingParams(1e-6f, 1f, 0, 0, 1, null, true).isGreedy());
        assertFalse(new SamplingParams(1e-5f, 1f, 0, 0, 1, null, true).isGreedy());
    }

    @Test
    void withMethodsChangeTheirFieldsAndKeepTheRest() {
        SamplingParams p = BASE.withMinP(0.05f).withPenalties(1.1f, 0.5f, -0.25f).withLogprobs(3)
                .withStop(List.of("\n\n")).withSeed(99).withMaxTokens(32);
        assertEquals(0.05f, p.minP());
        assertEquals(1.1f, p.repetitionPenalty());
        assertEquals(0.5f, p.presencePenalty());
        assertEquals(-0.25f, p.frequencyPenalty());
        assertEquals(3, p.logprobs());
        assertEquals(List.of("\n\n"), p.stop());
        assertEquals(99, p.seed());
        assertEquals(32, p.maxTokens());
        assertTrue(p.hasPenalties());
        // Untouched by any with...
        assertEquals(0.8f, p.temperature());
        assertEquals(0.9f, p.topP());
        assertEquals(40, p.topK());
        assertArrayEquals(new int[] {2}, p.stopTokenIds());
        assertFalse(p.ignoreEos());
        // The original is unchanged.
        assertEquals(0f, BASE.minP());
        assertEquals(7, BASE.seed());
    }

    @Test
    void eachPenaltyAloneCountsAsPenalties() {
        assertTrue(BASE.withPenalties(1.2f, 0, 0).hasPenalties());
        assertTrue(BASE.withPenalties(1, 0.1f, 0).hasPenalties());
        assertTrue(BASE.withPenalties(1, 0, 0.1f).hasPenalties());
        assertFalse(BASE.withPenalties(1, 0, 0).hasPenalties());
    }

    @Test
    void stopIsAnImmutableCopyAndNeverNull() {
        List<String> mine = new ArrayList<>(List.of("END", "###"));
        SamplingParams p = BASE.withStop(mine);
        mine.add("late");
        assertEquals(List.of("END", "###"), p.stop());
        assertThrows(UnsupportedOperationException.class, () -> p.stop().add("x"));
        assertEquals(List.of(), BASE.withStop(null).stop());
    }

    @Test
    void stopTokenIdsAreCopied() {
        int[] ids = {5, 6};
        SamplingParams p = new SamplingParams(1f, 1f, 0, 0, 1, ids, false);
        ids[0] = 9;
        assertTrue(p.stopsAt(5));
        assertFalse(p.stopsAt(9));
    }

    @Test
    void boundaryValuesAreAccepted() {
        BASE.withMinP(0).withMinP(1).withLogprobs(-1).withLogprobs(0).withLogprobs(20);
        BASE.withPenalties(0.01f, -2, 2).withPenalties(100f, 2, -2);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad("min_p must be in [0, 1], found 1.5", () -> BASE.withMinP(1.5f)),
                bad("min_p must be in [0, 1], found -0.1", () -> BASE.withMinP(-0.1f)),
                bad("min_p must be in [0, 1], found NaN", () -> BASE.withMinP(Float.NaN)),
                bad("repetition_penalty must be > 0 (1 disables), found 0.0", () -> BASE.withPenalties(0, 0, 0)),
                bad("repetition_penalty must be > 0 (1 disables), found -1.0", () -> BASE.withPenalties(-1, 0, 0)),
                bad("repetition_penalty must be > 0 (1 disables), found NaN",
                        () -> BASE.withPenalties(Float.NaN, 0, 0)),
                bad("repetition_penalty must be > 0 (1 disables), found Infinity",
                        () -> BASE.withPenalties(Float.POSITIVE_INFINITY, 0, 0)),
                bad("presence_penalty must be in [-2, 2], found 2.5", () -> BASE.withPenalties(1, 2.5f, 0)),
                bad("presence_penalty must be in [-2, 2], found -2.5", () -> BASE.withPenalties(1, -2.5f, 0)),
                bad("presence_penalty must be in [-2, 2], found NaN", () -> BASE.withPenalties(1, Float.NaN, 0)),
                bad("frequency_penalty must be in [-2, 2], found 2.01", () -> BASE.withPenalties(1, 0, 2.01f)),
                bad("frequency_penalty must be in [-2, 2], found -3.0", () -> BASE.withPenalties(1, 0, -3)),
                bad("frequency_penalty must be in [-2, 2], found NaN", () -> BASE.withPenalties(1, 0, Float.NaN)),
                bad("logprobs must be >= 0 (or -1 for none), found -2", () -> BASE.withLogprobs(-2)),
                bad("logprobs must be at most 20, found 21", () -> BASE.withLogprobs(21)),
                bad("stop must not contain null", () -> BASE.withStop(Arrays.asList("a", null))),
                bad("stop strings must not be empty", () -> BASE.withStop(List.of("a", ""))),
                bad("max_tokens must be >= 0, found -1", () -> BASE.withMaxTokens(-1)),
                bad("temperature must be >= 0, found -0.5", () -> new SamplingParams(-0.5f, 1, 0, 0, 1, null, false)),
                bad("temperature must be >= 0, found NaN", () -> new SamplingParams(Float.NaN, 1, 0, 0, 1, null, false)),
                bad("top_p must be in (0, 1], found 0.0", () -> new SamplingParams(1, 0, 0, 0, 1, null, false)),
                bad("top_p must be in (0, 1], found 1.1", () -> new SamplingParams(1, 1.1f, 0, 0, 1, null, false)));
    }

    private static Arguments bad(String message, Executable build) {
        return Arguments.of(message, build);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidValuesAreRejectedNamingTheField(String message, Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertEquals(message, e.getMessage());
    }
}
