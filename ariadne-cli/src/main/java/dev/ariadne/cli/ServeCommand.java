package dev.ariadne.cli;

import dev.ariadne.config.EngineConfig;
import dev.ariadne.engine.LLM;
import dev.ariadne.server.openai.ApiServer;
import dev.ariadne.server.openai.ServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ariadne serve}: the OpenAI-compatible server with vLLM's flags. It listens first (503 while the model
 * loads), then serves until SIGTERM or SIGINT. Flags that only mean something on GPUs (tensor parallelism, custom
 * all-reduce, CUDA graphs) are accepted so that a vLLM command line runs unchanged, each with one log line saying
 * it has no effect here.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over the OpenAI API (chat, completions, models, metrics).")
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EngineOptions engine;

    @Option(names = "--served-model-name", arity = "1..*", paramLabel = "NAME",
            description = "Names clients use in 'model' (default: the model path); the first is reported back.")
    List<String> servedModelNames;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", defaultValue = "8000", paramLabel = "PORT", description = "TCP port (0: any free one).")
    int port;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "Require 'Authorization: Bearer KEY' on /v1 requests (also read from VLLM_API_KEY).")
    String apiKey;

    @Option(names = "--protect-metrics", description = "Require the API key on /health and /metrics too.")
    boolean protectMetrics;

    @Option(names = "--reasoning-parser", paramLabel = "NAME",
            description = "Split <think>...</think> into reasoning_content: qwen3.")
    String reasoningParser;

    @Option(names = "--tool-call-parser", paramLabel = "NAME",
            description = "Turn tool-call markup in the output into tool_calls: hermes (Qwen2.5, Qwen3).")
    String toolCallParser;

    @Option(names = "--enable-auto-tool-choice",
            description = "Serve tool_choice \"auto\" (needs --tool-call-parser).")
    boolean enableAutoToolChoice;

    @Option(names = "--tokenizer-pool-size", defaultValue = "0", paramLabel = "N",
            description = "Threads that tokenize prompts (0: each request tokenizes on its own thread).")
    int tokenizerPoolSize;

    @Option(names = "--max-request-body-bytes", defaultValue = "32MiB", paramLabel = "BYTES",
            description = "Larger request bodies get 413.")
    String maxBodyBytes;

    @Option(names = "--max-queued-requests", defaultValue = "1024", paramLabel = "N",
            description = "Requests (choices) held at once, running or waiting; beyond it new ones get 503.")
    int maxQueuedRequests;

    @Option(names = "--max-n", defaultValue = "128", paramLabel = "N", description = "Most choices (n) per request.")
    int maxN;

    // Accepted for vLLM compatibility; each is logged as having no effect on this engine.
    @Option(names = "--tensor-parallel-size", paramLabel = "N", hidden = true)
    Integer tensorParallelSize;

    @Option(names = "--pipeline-parallel-size", paramLabel = "N", hidden = true)
    Integer pipelineParallelSize;

    @Option(names = "--disable-custom-all-reduce", hidden = true)
    boolean disableCustomAllReduce;

    @Option(names = "--enforce-eager", hidden = true)
    boolean enforceEager;

    @Option(names = "--trust-remote-code", hidden = true)
    boolean trustRemoteCode;

    @Option(names = "--disable-log-requests", hidden = true)
    boolean disableLogRequests;

    @Option(names = "--disable-log-stats", hidden = true)
    boolean disableLogStats;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        for (String note : ignoredFlags()) info(err, note);
        EngineConfig config = engine.toConfig();
        String key = apiKey != null ? apiKey : System.getenv("VLLM_API_KEY");
        List<String> names = servedModelNames != null && !servedModelNames.isEmpty()
                ? servedModelNames : List.of(config.model().toString());
        ServerOptions options = new ServerOptions(host, port, names, key, protectMetrics,
                EngineOptions.parseBytes("--max-request-body-bytes", maxBodyBytes), maxQueuedRequests, maxN,
                reasoningParser, toolCallParser, enableAutoToolChoice, tokenizerPoolSize);
        ApiServer server = new ApiServer(options, line -> info(err, line));
        info(err, "Listening on http://" + host + ":" + server.port() + " (503 until the model is loaded)");
        LLM llm;
        try {
            llm = engine.load(config, spec);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            info(err, "Shutting down");
            server.close();
            llm.close();
            stopped.countDown();
        }, "ariadne-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        server.attach(llm);
        stopped.await();
        return 0;
    }

    /** One line per vLLM flag that has no effect on a single CPU process. */
    private List<String> ignoredFlags() {
        List<String> notes = new ArrayList<>();
        if (tensorParallelSize != null) {
            notes.add("--tensor-parallel-size " + tensorParallelSize + " has no effect: this engine runs in one"
                    + " process on the CPU's cores (--threads)");
        }
        if (pipelineParallelSize != null) {
            notes.add("--pipeline-parallel-size " + pipelineParallelSize + " has no effect: one process");
        }
        if (disableCustomAllReduce) notes.add("--disable-custom-all-reduce has no effect: there is no all-reduce");
        if (enforceEager) notes.add("--enforce-eager has no effect: there are no CUDA graphs; it always runs eagerly");
        if (trustRemoteCode) notes.add("--trust-remote-code has no effect: no model code is ever loaded");
        if (disableLogRequests) notes.add("--disable-log-requests has no effect: requests are not logged");
        if (disableLogStats) notes.add("--disable-log-stats has no effect: statistics are only in /metrics");
        if (!"auto".equalsIgnoreCase(engine.dtype)) {
            notes.add("--dtype " + engine.dtype + ": weights run in the types stored in the model file; the KV"
                    + " cache follows --dtype unless --kv-cache-dtype is given");
        }
        return notes;
    }

    private static void info(PrintWriter err, String line) {
        err.println("INFO " + line);
        err.flush();
    }
}
