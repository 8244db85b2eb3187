package dev.ariadne.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.DoubleHistogram;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The numbers of a server benchmark (vLLM's {@code calculate_metrics}): totals and rates over the run, and the
 * distribution of TTFT, TPOT, ITL and E2E latency (ms) and of each request's output tokens/s, over the successful
 * requests. Means are exact; percentiles come from HdrHistogram at 3 significant digits, so they are the nearest
 * rank (the smallest value with p% of values at or below it) to within 0.1%, where vLLM's numpy interpolates.
 */
record BenchServeReport(int completed, int failed, double durationSeconds, long inputTokens, long outputTokens,
                        Distribution ttftMs, Distribution tpotMs, Distribution itlMs, Distribution e2eMs,
                        Distribution requestOutputTokensPerSecond, Map<String, Long> errors) {

    /** Mean and percentiles of one metric; all 0 when nothing was measured (vLLM prints 0 there too). */
    record Distribution(long count, double mean, double p50, double p90, double p99) {
    }

    static BenchServeReport of(List<BenchServeOutcome> outcomes, long durationNanos) {
        Collector ttft = new Collector(), tpot = new Collector(), itl = new Collector(), e2e = new Collector(),
                rate = new Collector();
        int completed = 0;
        long input = 0, output = 0;
        for (BenchServeOutcome o : outcomes) {
            if (!o.success()) continue;
            completed++;
            input += o.promptTokens();
            output += o.outputTokens();
            ttft.add(o.ttftNanos() / 1e6);
            if (o.outputTokens() > 1) tpot.add(o.tpotNanos() / 1e6);
            for (long gap : o.itlNanos()) itl.add(gap / 1e6);
            e2e.add(o.e2eNanos() / 1e6);
            if (o.e2eNanos() > 0) rate.add(o.outputTokens() / (o.e2eNanos() / 1e9));
        }
        // Most frequent reason first, so the summary's first error line is the one worth reading.
        Map<String, Long> errors = outcomes.stream().filter(o -> !o.success())
                .collect(Collectors.groupingBy(BenchServeOutcome::error, Collectors.counting()))
                .entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
        return new BenchServeReport(completed, outcomes.size() - completed, durationNanos / 1e9, input, output,
                ttft.done(), tpot.done(), itl.done(), e2e.done(), rate.done(), errors);
    }

    double requestThroughput() {
        return completed / durationSeconds;
    }

    double outputThroughput() {
        return outputTokens / durationSeconds;
    }

    double totalTokenThroughput() {
        return (inputTokens + outputTokens) / durationSeconds;
    }

    /** vLLM's result block, then one table of the distributions and the most frequent errors. */
    void print(PrintWriter out, Integer maxConcurrency, double requestRate) {
        out.println("============ Serving Benchmark Result ============");
        line(out, "Successful requests:", completed);
        line(out, "Failed requests:", failed);
        if (maxConcurrency != null) line(out, "Maximum request concurrency:", maxConcurrency);
        line(out, "Request rate configured (RPS):", Double.isInfinite(requestRate) ? "inf"
                : String.format("%.2f", requestRate));
        line(out, "Benchmark duration (s):", String.format("%.2f", durationSeconds));
        line(out, "Total input tokens:", inputTokens);
        line(out, "Total generated tokens:", outputTokens);
        line(out, "Request throughput (req/s):", String.format("%.2f", requestThroughput()));
        line(out, "Output token throughput (tok/s):", String.format("%.2f", outputThroughput()));
        line(out, "Total token throughput (tok/s):", String.format("%.2f", totalTokenThroughput()));
        out.println("==================================================");
        out.printf("%n| metric | mean | p50 | p90 | p99 |%n|---|---|---|---|---|%n");
        row(out, "TTFT (ms)", ttftMs);
        row(out, "TPOT (ms)", tpotMs);
        row(out, "ITL (ms)", itlMs);
        row(out, "E2E (ms)", e2eMs);
        row(out, "output tok/s per request", requestOutputTokensPerSecond);
        if (!errors.isEmpty()) {
            out.printf("%nErrors (%d failed requests):%n", failed);
            errors.entrySet().stream().limit(5).forEach(e -> out.printf("  %d x %s%n", e.getValue(), e.getKey()));
        }
        out.flush();
    }

    /** vLLM's {@code --save-result} fields (its names, with p90 beside its p99), plus the error counts. */
    ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("duration", durationSeconds);
        o.put("completed", completed);
        o.put("failed", failed);
        o.put("total_input_tokens", inputTokens);
        o.put("total_output_tokens", outputTokens);
        o.put("request_throughput", requestThroughput());
        o.put("output_throughput", outputThroughput());
        o.put("total_token_throughput", totalTokenThroughput());
        put(o, "ttft_ms", ttftMs);
        put(o, "tpot_ms", tpotMs);
        put(o, "itl_ms", itlMs);
        put(o, "e2el_ms", e2eMs);
        put(o, "request_output_throughput", requestOutputTokensPerSecond);
        ObjectNode errs = o.putObject("errors");
        errors.forEach(errs::put);
        return o;
    }

    private static void put(ObjectNode o, String name, Distribution d) {
        o.put("mean_" + name, d.mean());
        o.put("median_" + name, d.p50());
        o.put("p90_" + name, d.p90());
        o.put("p99_" + name, d.p99());
    }

    private static void line(PrintWriter out, String label, Object value) {
        out.println(String.format("%-40s %-10s", label, value).stripTrailing());
    }

    private static void row(PrintWriter out, String name, Distribution d) {
        out.printf("| %s | %.2f | %.2f | %.2f | %.2f |%n", name, d.mean(), d.p50(), d.p90(), d.p99());
    }

    /** Values of one metric: an exact sum for the mean, a histogram for the percentiles. */
    private static final class Collector {
        private final DoubleHistogram histogram = new DoubleHistogram(3);
        private double sum;
        private long count;

        void add(double value) {
            histogram.recordValue(Math.max(0, value));
            sum += value;
            count++;
        }

        Distribution done() {
            if (count == 0) return new Distribution(0, 0, 0, 0, 0);
            return new Distribution(count, sum / count, histogram.getValueAtPercentile(50),
                    histogram.getValueAtPercentile(90), histogram.getValueAtPercentile(99));
        }
    }
}
