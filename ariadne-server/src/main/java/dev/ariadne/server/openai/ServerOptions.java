package dev.ariadne.server.openai;

import java.util.List;

/**
 * How the HTTP server runs (the engine has its own {@code EngineConfig}).
 *
 * @param host                 address to bind (127.0.0.1 keeps it local)
 * @param port                 TCP port; 0 picks a free one ({@link ApiServer#port()} tells which)
 * @param servedModelNames     names clients may put in {@code model}; the first is the one responses report
 * @param apiKey               bearer key every /v1 request must carry; null for none
 * @param protectMetrics       whether /metrics and /health need the key too (default open, as vLLM)
 * @param maxRequestBodyBytes  larger bodies get 413
 * @param maxQueuedRequests    requests admitted but not finished beyond which new ones get 503
 * @param maxN                 most choices ({@code n}) per request
 * @param reasoningParser      "qwen3", or null for none
 * @param toolCallParser       "hermes", or null for none
 * @param enableAutoToolChoice whether {@code tool_choice: auto} (the default when tools are given) is served
 * @param tokenizerPoolSize    threads that tokenize prompts (0: on the request's own thread)
 */
public record ServerOptions(String host, int port, List<String> servedModelNames, String apiKey,
                            boolean protectMetrics, long maxRequestBodyBytes, int maxQueuedRequests, int maxN,
                            String reasoningParser, String toolCallParser, boolean enableAutoToolChoice,
                            int tokenizerPoolSize) {

    public ServerOptions {
        if (servedModelNames == null || servedModelNames.isEmpty()) {
            throw new IllegalArgumentException("at least one served model name is needed");
        }
        servedModelNames = List.copyOf(servedModelNames);
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be in [0, 65535], found " + port);
        if (maxRequestBodyBytes < 1) throw new IllegalArgumentException("the request body limit must be positive");
        if (maxQueuedRequests < 1) throw new IllegalArgumentException("--max-queued-requests must be at least 1");
        if (maxN < 1) throw new IllegalArgumentException("the largest n must be at least 1");
        if (tokenizerPoolSize < 0) throw new IllegalArgumentException("--tokenizer-pool-size must be >= 0");
        // Unknown parser names fail here, before the model loads (named() lists the known ones).
        if (reasoningParser != null) dev.ariadne.server.openai.parse.ReasoningParsers.named(reasoningParser);
        if (toolCallParser != null) dev.ariadne.server.openai.parse.ToolCallParsers.named(toolCallParser);
        if (enableAutoToolChoice && toolCallParser == null) {
            throw new IllegalArgumentException("--enable-auto-tool-choice needs --tool-call-parser");
        }
    }

    /** Loopback, a free port, one model name, no key: what tests start. */
    public static ServerOptions local(String modelName) {
        return new ServerOptions("127.0.0.1", 0, List.of(modelName), null, false, 32L << 20, 1024, 16, null, null,
                false, 0);
    }

    public ServerOptions withApiKey(String key) {
        return new ServerOptions(host, port, servedModelNames, key, protectMetrics, maxRequestBodyBytes,
                maxQueuedRequests, maxN, reasoningParser, toolCallParser, enableAutoToolChoice, tokenizerPoolSize);
    }

    public ServerOptions withParsers(String reasoning, String tools, boolean autoToolChoice) {
        return new ServerOptions(host, port, servedModelNames, apiKey, protectMetrics, maxRequestBodyBytes,
                maxQueuedRequests, maxN, reasoning, tools, autoToolChoice, tokenizerPoolSize);
    }

    public ServerOptions withLimits(long bodyBytes, int queued) {
        return new ServerOptions(host, port, servedModelNames, apiKey, protectMetrics, bodyBytes, queued, maxN,
                reasoningParser, toolCallParser, enableAutoToolChoice, tokenizerPoolSize);
    }

    public String modelName() {
        return servedModelNames.getFirst();
    }
}
