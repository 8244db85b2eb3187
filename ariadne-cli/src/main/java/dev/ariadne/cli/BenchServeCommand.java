package dev.ariadne.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ariadne.tokenizer.Tokenizer;
import dev.ariadne.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * {@code ariadne bench serve}: vLLM's {@code vllm bench serve} on its random dataset against a running
 * OpenAI-compatible server (Ariadne's or vLLM's). {@code --num-prompts} requests of {@code --random-input-len}
 * random token ids, each streaming exactly {@code --random-output-len} tokens (EOS ignored), arrive as a Poisson
 * process at {@code --request-rate} with at most {@code --max-concurrency} in flight; it prints requests/s, tokens/s
 * and the TTFT, TPOT, ITL and E2E distributions. One request runs first, unmeasured, to check the setup.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Benchmark a running OpenAI-compatible server: throughput and TTFT, TPOT, ITL, E2E latency.")
public final class BenchServeCommand implements Callable<Integer> {
    private static final String COMPLETIONS = "/v1/completions";
    private static final String CHAT = "/v1/chat/completions";

    @Spec
    CommandSpec spec;

    @Option(names = "--base-url", required = true, paramLabel = "URL", description = "The server, e.g. http://127.0.0.1:8000.")
    String baseUrl;

    @Option(names = "--endpoint", defaultValue = COMPLETIONS, paramLabel = "PATH",
            description = "/v1/completions (prompts sent as token ids) or /v1/chat/completions (as text).")
    String endpoint;

    @Option(names = "--model", paramLabel = "NAME", description = "Model name to request (default: the first of /v1/models).")
    String model;

    @Option(names = "--tokenizer", paramLabel = "PATH", description = "GGUF file, tokenizer.json or model directory"
            + " whose vocabulary the random prompts come from (default: the model's root from /v1/models).")
    Path tokenizer;

    @Option(names = "--num-prompts", defaultValue = "1000", paramLabel = "N", description = "Requests to send.")
    int numPrompts;

    @Option(names = "--max-concurrency", paramLabel = "C", description = "Most requests in flight (default: no limit).")
    Integer maxConcurrency;

    @Option(names = "--request-rate", defaultValue = "inf", paramLabel = "R",
            description = "Requests per second, Poisson arrivals; inf sends them all at once.")
    String requestRate;

    @Option(names = "--random-input-len", defaultValue = "1024", paramLabel = "N", description = "Prompt tokens.")
    int inputLen;

    @Option(names = "--random-output-len", defaultValue = "128", paramLabel = "N",
            description = "Generated tokens per request (ignore_eos, so exactly this many).")
    int outputLen;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the prompts and arrivals.")
    long seed;

    @Option(names = "--api-key", paramLabel = "KEY", description = "Sent as 'Authorization: Bearer KEY' (also read"
            + " from OPENAI_API_KEY).")
    String apiKey;

    @Option(names = "--json", description = "Print one JSON object (vLLM's result fields).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        double rate = parseRate(requestRate);
        if (numPrompts < 1 || inputLen < 1 || outputLen < 1) {
            throw new IllegalArgumentException("--num-prompts, --random-input-len and --random-output-len must be >= 1,"
                    + " found " + numPrompts + ", " + inputLen + " and " + outputLen);
        }
        if (maxConcurrency != null && maxConcurrency < 1) {
            throw new IllegalArgumentException("--max-concurrency must be >= 1, found " + maxConcurrency);
        }
        if (!endpoint.equals(COMPLETIONS) && !endpoint.equals(CHAT)) {
            throw new IllegalArgumentException("--endpoint must be " + COMPLETIONS + " or " + CHAT + ", found " + endpoint);
        }
        PrintWriter err = spec.commandLine().getErr();
        String key = apiKey != null ? apiKey : System.getenv("OPENAI_API_KEY");
        try (BenchServeClient client = new BenchServeClient(baseUrl, key)) {
            JsonNode card = modelCard(client.getJson("/v1/models"));
            String name = card.path("id").asText();
            Tokenizer tok = Tokenizers.load(tokenizerPath(card));
            List<int[]> prompts = RandomPrompts.generate(tok, numPrompts + 1, inputLen, seed);
            List<ObjectNode> bodies = new ArrayList<>(prompts.size());
            for (int[] p : prompts) bodies.add(body(name, p, tok));

            err.printf("INFO %s%s: %d requests of %d random tokens -> %d tokens, rate %s, concurrency %s%n", baseUrl,
                    endpoint, numPrompts, inputLen, outputLen, requestRate, maxConcurrency != null ? maxConcurrency
                            : "unlimited");
            err.flush();
            BenchServeOutcome test = client.stream(endpoint, bodies.getFirst(), inputLen);
            if (!test.success()) {
                throw new IllegalStateException("the initial test request failed (check --base-url, --model and"
                        + " --endpoint): " + test.error());
            }
            long start = System.nanoTime();
            List<BenchServeOutcome> outcomes = run(client, bodies.subList(1, bodies.size()), rate);
            BenchServeReport report = BenchServeReport.of(outcomes, System.nanoTime() - start);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectNode o = report.toJson();
                o.put("endpoint", endpoint);
                o.put("model_id", name);
                o.put("num_prompts", numPrompts);
                o.put("random_input_len", inputLen);
                o.put("random_output_len", outputLen);
                o.put("request_rate", Double.isInfinite(rate) ? "inf" : Double.toString(rate));
                if (maxConcurrency != null) o.put("max_concurrency", maxConcurrency);
                else o.putNull("max_concurrency");
                out.println(new ObjectMapper().writeValueAsString(o));
            } else {
                report.print(out, maxConcurrency, rate);
            }
            out.flush();
        }
        return 0;
    }

    /**
     * Sends every request on its own virtual thread: arrival i waits an exponential gap after arrival i-1 (a Poisson
     * process, vLLM's burstiness 1), then for a slot under --max-concurrency. Outcomes come back in request order.
     */
    private List<BenchServeOutcome> run(BenchServeClient client, List<ObjectNode> bodies, double rate)
            throws InterruptedException {
        SplittableRandom arrivals = new SplittableRandom(seed);
        Semaphore slots = maxConcurrency != null ? new Semaphore(maxConcurrency) : null;
        List<Future<BenchServeOutcome>> futures = new ArrayList<>(bodies.size());
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            long due = System.nanoTime();
            for (ObjectNode body : bodies) {
                if (!Double.isInfinite(rate)) {
                    due += (long) (-Math.log(1 - arrivals.nextDouble()) / rate * 1e9);
                    long wait = due - System.nanoTime();
                    if (wait > 0) Thread.sleep(Duration.ofNanos(wait));
                }
                futures.add(threads.submit(() -> {
                    if (slots != null) slots.acquire();
                    try {
                        return client.stream(endpoint, body, inputLen);
                    } finally {
                        if (slots != null) slots.release();
                    }
                }));
            }
        }
        List<BenchServeOutcome> outcomes = new ArrayList<>(futures.size());
        for (Future<BenchServeOutcome> f : futures) {
            try {
                outcomes.add(f.get());
            } catch (ExecutionException e) {
                // stream() reports every I/O and protocol problem as an outcome; what reaches here is a bug, but one
                // request's bug must not hide the others' numbers.
                outcomes.add(BenchServeOutcome.failed("client error: " + e.getCause(), 0));
            }
        }
        return outcomes;
    }

    /** vLLM's random-dataset payload: greedy, EOS ignored, exactly the output length, streamed with usage. */
    private ObjectNode body(String name, int[] prompt, Tokenizer tok) {
        ObjectNode b = JsonNodeFactory.instance.objectNode();
        b.put("model", name);
        if (endpoint.equals(COMPLETIONS)) {
            ArrayNode ids = b.putArray("prompt");
            for (int id : prompt) ids.add(id);
            b.put("max_tokens", outputLen);
        } else {
            b.putArray("messages").addObject().put("role", "user").put("content", tok.decode(prompt));
            b.put("max_completion_tokens", outputLen);
        }
        b.put("temperature", 0.0);
        b.put("ignore_eos", true);
        b.put("stream", true);
        b.putObject("stream_options").put("include_usage", true);
        return b;
    }

    /** The card of --model in /v1/models, or the first card when --model is not given. */
    private JsonNode modelCard(JsonNode models) {
        JsonNode data = models.path("data");
        if (!data.isArray() || data.isEmpty()) {
            throw new IllegalStateException(baseUrl + "/v1/models lists no model");
        }
        if (model == null) return data.get(0);
        for (JsonNode card : data) {
            if (model.equals(card.path("id").asText())) return card;
        }
        // A name the server does not list: it may still accept it (an alias); the request will tell.
        return JsonNodeFactory.instance.objectNode().put("id", model);
    }

    private Path tokenizerPath(JsonNode card) {
        if (tokenizer != null) return tokenizer;
        for (String candidate : new String[] {card.path("root").asText(""), card.path("id").asText("")}) {
            if (!candidate.isEmpty() && Files.exists(Path.of(candidate))) return Path.of(candidate);
        }
        throw new IllegalArgumentException("the served model's root (" + card.path("root").asText("none")
                + ") is not a file here; give --tokenizer PATH (the model's GGUF or tokenizer.json)");
    }

    private static double parseRate(String s) {
        if (s.equalsIgnoreCase("inf")) return Double.POSITIVE_INFINITY;
        double r;
        try {
            r = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--request-rate must be a number or inf, found " + s);
        }
        if (!(r > 0)) throw new IllegalArgumentException("--request-rate must be > 0, found " + s);
        return r;
    }
}
