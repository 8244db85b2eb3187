package dev.ariadne.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Known latencies in, known totals and nearest-rank percentiles out (HdrHistogram holds 3 significant digits). */
class BenchServeReportTest {
    private static final long MS = 1_000_000;

    /**
     * Request i (1..100): 20 prompt tokens, 11 output tokens, TTFT i ms, one inter-token gap of i ms, E2E i + 100 ms
     * (so TPOT is exactly 100 / 10 = 10 ms); plus three failures; a run of 2 s.
     */
    private static List<BenchServeOutcome> outcomes() {
        List<BenchServeOutcome> list = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            list.add(new BenchServeOutcome(null, i * MS, new long[] {i * MS}, (i + 100) * MS, 20, 11));
        }
        list.add(BenchServeOutcome.failed("HTTP 500: boom", 5 * MS));
        list.add(BenchServeOutcome.failed("the stream ended before data: [DONE]", 7 * MS));
        list.add(BenchServeOutcome.failed("HTTP 500: boom", 9 * MS));
        return list;
    }

    private static void near(double expected, double actual, String what) {
        assertEquals(expected, actual, Math.abs(expected) * 1e-3, what);
    }

    @Test
    void totalsAndRatesCountOnlySuccessfulRequests() {
        BenchServeReport r = BenchServeReport.of(outcomes(), 2_000 * MS);
        assertEquals(100, r.completed());
        assertEquals(3, r.failed());
        assertEquals(2.0, r.durationSeconds(), 1e-12);
        assertEquals(2000, r.inputTokens());
        assertEquals(1100, r.outputTokens());
        assertEquals(50.0, r.requestThroughput(), 1e-9);
        assertEquals(550.0, r.outputThroughput(), 1e-9);
        assertEquals(1550.0, r.totalTokenThroughput(), 1e-9);
        // Most frequent first.
        assertEquals(List.of(Map.entry("HTTP 500: boom", 2L), Map.entry("the stream ended before data: [DONE]", 1L)),
                List.copyOf(r.errors().entrySet()));
    }

    @Test
    void percentilesAreNearestRankAndMeansExact() {
        BenchServeReport r = BenchServeReport.of(outcomes(), 2_000 * MS);
        // Nearest rank: p50 of 1..100 is 50 (numpy's interpolation would say 50.5, outside the 0.1% tolerance).
        assertEquals(100, r.ttftMs().count());
        assertEquals(50.5, r.ttftMs().mean(), 1e-9);
        near(50, r.ttftMs().p50(), "TTFT p50");
        near(90, r.ttftMs().p90(), "TTFT p90");
        near(99, r.ttftMs().p99(), "TTFT p99");
        assertEquals(10.0, r.tpotMs().mean(), 1e-9);
        near(10, r.tpotMs().p50(), "TPOT p50");
        near(10, r.tpotMs().p99(), "TPOT p99");
        assertEquals(100, r.itlMs().count());
        near(90, r.itlMs().p90(), "ITL p90");
        assertEquals(150.5, r.e2eMs().mean(), 1e-9);
        near(150, r.e2eMs().p50(), "E2E p50");
        near(190, r.e2eMs().p90(), "E2E p90");
        near(199, r.e2eMs().p99(), "E2E p99");
        // Output tok/s of request i is 11 / ((i + 100) ms): the 50th smallest belongs to i = 51, the 90th to i = 11.
        near(11 / 0.151, r.requestOutputTokensPerSecond().p50(), "tok/s p50");
        near(11 / 0.111, r.requestOutputTokensPerSecond().p90(), "tok/s p90");
    }

    @Test
    void singleTokenRequestsHaveNoTpotAndFailuresNoLatency() {
        List<BenchServeOutcome> list = List.of(
                new BenchServeOutcome(null, 30 * MS, new long[0], 30 * MS, 5, 1),
                new BenchServeOutcome(null, 10 * MS, new long[] {4 * MS}, 20 * MS, 5, 3),
                BenchServeOutcome.failed("connection: refused", 999 * MS));
        BenchServeReport r = BenchServeReport.of(list, 1_000 * MS);
        assertEquals(1, r.tpotMs().count());
        assertEquals(5.0, r.tpotMs().mean(), 1e-9);  // (20 - 10) / (3 - 1)
        assertEquals(2, r.e2eMs().count());
        assertEquals(25.0, r.e2eMs().mean(), 1e-9);
        assertEquals(4, r.outputTokens());
    }

    @Test
    void allFailedGivesZerosNotNaN() {
        BenchServeReport r = BenchServeReport.of(List.of(BenchServeOutcome.failed("HTTP 503: full", MS)), 10 * MS);
        assertEquals(0, r.completed());
        assertEquals(0.0, r.ttftMs().mean());
        assertEquals(0.0, r.requestThroughput());
        assertTrue(r.toJson().toString().contains("\"failed\":1"), r.toJson().toString());
    }

    @Test
    void printsVllmSummaryAndTheTable() {
        StringWriter s = new StringWriter();
        BenchServeReport.of(outcomes(), 2_000 * MS).print(new PrintWriter(s), 4, Double.POSITIVE_INFINITY);
        String out = s.toString();
        assertTrue(out.contains("Successful requests:                     100\n"), out);
        assertTrue(out.contains("Failed requests:                         3\n"), out);
        assertTrue(out.contains("Maximum request concurrency:             4\n"), out);
        assertTrue(out.contains("Request rate configured (RPS):           inf\n"), out);
        assertTrue(out.contains("Total generated tokens:                  1100\n"), out);
        assertTrue(out.contains("Output token throughput (tok/s):         550.00\n"), out);
        assertTrue(out.contains("| TTFT (ms) | 50.50 | 50."), out);
        assertTrue(out.contains("| TPOT (ms) | 10.00 |"), out);
        assertTrue(out.contains("| ITL (ms) |") && out.contains("| E2E (ms) | 150.50 |"), out);
        assertTrue(out.contains("  2 x HTTP 500: boom\n"), out);
    }
}
