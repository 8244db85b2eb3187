package dev.ariadne.server.openai;

import dev.ariadne.engine.RequestOutput;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Supplier;

/**
 * The /metrics endpoint: vLLM's metric names and meanings (so vLLM dashboards read Ariadne unchanged), each with the
 * {@code model_name} label, in Prometheus text format through the Prometheus Java client.
 *
 * <ul>
 *   <li>gauges {@code vllm:num_requests_running}, {@code vllm:num_requests_waiting}, {@code vllm:kv_cache_usage_perc}
 *       (0..1), {@code vllm:prefix_cache_hit_rate}</li>
 *   <li>counters {@code vllm:prefix_cache_queries_total} and {@code vllm:prefix_cache_hits_total} (tokens),
 *       {@code vllm:prompt_tokens_total}, {@code vllm:generation_tokens_total},
 *       {@code vllm:request_success_total{finished_reason}}, {@code vllm:num_preemptions_total}</li>
 *   <li>histograms (seconds) {@code vllm:time_to_first_token_seconds}, {@code vllm:inter_token_latency_seconds},
 *       {@code vllm:e2e_request_latency_seconds}; (tokens) {@code vllm:request_prompt_tokens},
 *       {@code vllm:request_generation_tokens}</li>
 * </ul>
 */
public final class ServingMetrics {
    private static final double[] LATENCY_BOUNDS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5,
            0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};
    private static final double[] TOKEN_BOUNDS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000,
            20000, 50000, 100000, 200000, 500000, 1000000};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final String model;
    private final Counter promptTokens;
    private final Counter generationTokens;
    private final Counter success;
    private final Counter preemptions;
    private final Histogram ttft;
    private final Histogram itl;
    private final Histogram e2e;
    private final Histogram requestPrompt;
    private final Histogram requestGeneration;

    public ServingMetrics(String model, Supplier<EngineLoop.Snapshot> state) {
        this.model = model;
        GaugeWithCallback.builder().name("vllm:num_requests_running").help("Requests in the running batch.")
                .labelNames("model_name").callback(cb -> cb.call(state.get().running(), model)).register(registry);
        GaugeWithCallback.builder().name("vllm:num_requests_waiting").help("Requests waiting to be scheduled.")
                .labelNames("model_name").callback(cb -> cb.call(state.get().waiting(), model)).register(registry);
        GaugeWithCallback.builder().name("vllm:kv_cache_usage_perc")
                .help("KV cache usage: fraction of KV blocks in use (1 = full).")
                .labelNames("model_name").callback(cb -> cb.call(state.get().kvUsage(), model)).register(registry);
        GaugeWithCallback.builder().name("vllm:prefix_cache_hit_rate")
                .help("Prefix cache hit rate since start: hit tokens over queried prompt tokens.")
                .labelNames("model_name").callback(cb -> {
                    EngineLoop.Snapshot s = state.get();
                    cb.call(s.prefixQueriedTokens() == 0 ? 0 : s.prefixHitTokens() / (double) s.prefixQueriedTokens(),
                            model);
                }).register(registry);
        CounterWithCallback.builder().name("vllm:prefix_cache_queries")
                .help("Prompt tokens looked up in the prefix cache (full blocks).")
                .labelNames("model_name").callback(cb -> cb.call(state.get().prefixQueriedTokens(), model))
                .register(registry);
        CounterWithCallback.builder().name("vllm:prefix_cache_hits")
                .help("Prompt tokens found in the prefix cache (full blocks).")
                .labelNames("model_name").callback(cb -> cb.call(state.get().prefixHitTokens(), model))
                .register(registry);
        promptTokens = Counter.builder().name("vllm:prompt_tokens").help("Prompt tokens of finished requests.")
                .labelNames("model_name").register(registry);
        generationTokens = Counter.builder().name("vllm:generation_tokens")
                .help("Generated tokens of finished requests.").labelNames("model_name").register(registry);
        success = Counter.builder().name("vllm:request_success").help("Finished requests by finish reason.")
                .labelNames("model_name", "finished_reason").register(registry);
        preemptions = Counter.builder().name("vllm:num_preemptions").help("Preemptions of finished requests.")
                .labelNames("model_name").register(registry);
        ttft = latency("vllm:time_to_first_token_seconds", "Time from arrival to the first token.");
        itl = latency("vllm:inter_token_latency_seconds", "Time between consecutive output tokens.");
        e2e = latency("vllm:e2e_request_latency_seconds", "Time from arrival to finish.");
        requestPrompt = tokens("vllm:request_prompt_tokens", "Prompt tokens per finished request.");
        requestGeneration = tokens("vllm:request_generation_tokens", "Generated tokens per finished request.");
    }

    private Histogram latency(String name, String help) {
        return Histogram.builder().name(name).help(help).labelNames("model_name").classicOnly()
                .classicUpperBounds(LATENCY_BOUNDS).register(registry);
    }

    private Histogram tokens(String name, String help) {
        return Histogram.builder().name(name).help(help).labelNames("model_name").classicOnly()
                .classicUpperBounds(TOKEN_BOUNDS).register(registry);
    }

    /** A choice's next token came {@code nanos} after its previous one. */
    void interTokenLatency(long nanos) {
        itl.labelValues(model).observe(nanos / 1e9);
    }

    /** A choice finished (any reason, aborts included: vLLM counts them under finished_reason "abort"). */
    void finished(RequestOutput out) {
        promptTokens.labelValues(model).inc(out.promptIds().length);
        generationTokens.labelValues(model).inc(out.outputIds().length);
        success.labelValues(model, out.finishReason()).inc();
        preemptions.labelValues(model).inc(out.numPreemptions());
        if (out.firstTokenNanos() != 0) ttft.labelValues(model).observe((out.firstTokenNanos() - out.arrivalNanos()) / 1e9);
        e2e.labelValues(model).observe((out.finishNanos() - out.arrivalNanos()) / 1e9);
        requestPrompt.labelValues(model).observe(out.promptIds().length);
        requestGeneration.labelValues(model).observe(out.outputIds().length);
    }

    public String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    public void write(OutputStream out) throws IOException {
        PrometheusTextFormatWriter.create().write(out, registry.scrape(), null);
    }
}
