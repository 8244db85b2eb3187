package dev.ariadne.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;

/**
 * The benchmark's HTTP side: {@code GET} for the model list, and one streamed chat or text completion timed chunk by
 * chunk. HTTP/1.1, one connection per concurrent stream (as vLLM's aiohttp client). A stream only succeeds when it
 * is HTTP 200, every {@code data:} line is JSON without an {@code error}, and it ends with {@code data: [DONE]};
 * anything else is a failed request with the reason, never an exception, so one bad answer cannot end a run.
 */
final class BenchServeClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** vLLM's benchmark client waits up to 6 h for a response; a benchmark must not give up on a slow server. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofHours(6);
    private static final int ERROR_BODY_CHARS = 300;

    private final HttpClient http;
    private final String baseUrl;
    private final String apiKey;

    BenchServeClient(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.apiKey = apiKey;
        // The client's own tasks on virtual threads too: a few hundred open streams must not need as many platform
        // threads.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    /** {@code GET path} as JSON; a non-200 answer is an {@link IOException} naming the status and the body. */
    JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + baseUrl + path + ": HTTP " + r.statusCode() + " " + clip(r.body()));
        }
        return JSON.readTree(r.body());
    }

    /**
     * POSTs {@code body} (which asks for a stream with usage) to {@code endpoint} and times its chunks.
     *
     * @param clientPromptTokens the prompt's length as the client counts it, reported if the server sends no usage
     */
    BenchServeOutcome stream(String endpoint, ObjectNode body, int clientPromptTokens) throws InterruptedException {
        HttpRequest req = request(endpoint).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(body))).build();
        long start = System.nanoTime();
        HttpResponse<InputStream> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            return BenchServeOutcome.failed("connection: " + e, System.nanoTime() - start);
        }
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                String text = new String(in.readNBytes(ERROR_BODY_CHARS * 4), StandardCharsets.UTF_8);
                return BenchServeOutcome.failed("HTTP " + r.statusCode() + ": " + clip(text), System.nanoTime() - start);
            }
            return read(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), start,
                    clientPromptTokens);
        } catch (IOException e) {
            return BenchServeOutcome.failed("stream: " + e, System.nanoTime() - start);
        }
    }

    /** Reads the event stream to {@code [DONE]}; each line is timed the moment it is complete. */
    private static BenchServeOutcome read(BufferedReader lines, long start, int clientPromptTokens) throws IOException {
        long firstContent = -1, lastContent = 0, finishedAt = -1;
        long[] itl = new long[64];
        int gaps = 0, contentChunks = 0, promptTokens = -1, outputTokens = -1;
        for (String line; (line = lines.readLine()) != null; ) {
            long now = System.nanoTime() - start;
            if (line.isEmpty() || line.startsWith(":")) continue;  // event separator, SSE comment
            if (!line.startsWith("data:")) return BenchServeOutcome.failed("not an SSE data line: " + clip(line), now);
            String data = line.substring(5).strip();
            if (data.equals("[DONE]")) {
                if (firstContent < 0) firstContent = finishedAt >= 0 ? finishedAt : now;
                if (outputTokens < 0) outputTokens = contentChunks;
                if (promptTokens < 0) promptTokens = clientPromptTokens;
                return new BenchServeOutcome(null, firstContent, Arrays.copyOf(itl, gaps), now, promptTokens,
                        outputTokens);
            }
            JsonNode chunk;
            try {
                chunk = JSON.readTree(data);
            } catch (JsonProcessingException e) {
                return BenchServeOutcome.failed("malformed JSON in the stream: " + clip(data), now);
            }
            if (chunk == null || !chunk.isObject()) return BenchServeOutcome.failed("not a JSON object: " + clip(data), now);
            JsonNode error = chunk.get("error");
            if (error != null && !error.isNull()) {
                return BenchServeOutcome.failed("error event: " + clip(error.path("message").asText(error.toString())),
                        now);
            }
            JsonNode usage = chunk.get("usage");
            if (usage != null && usage.isObject()) {
                promptTokens = usage.path("prompt_tokens").asInt(promptTokens);
                outputTokens = usage.path("completion_tokens").asInt(outputTokens);
            }
            JsonNode choice = chunk.path("choices").path(0);
            if (choice.isMissingNode()) continue;
            if (carriesToken(choice)) {
                contentChunks++;
                if (firstContent < 0) {
                    firstContent = now;
                } else {
                    if (gaps == itl.length) itl = Arrays.copyOf(itl, gaps * 2);
                    itl[gaps++] = now - lastContent;
                }
                lastContent = now;
            }
            JsonNode finish = choice.get("finish_reason");
            if (finish != null && !finish.isNull() && finishedAt < 0) finishedAt = now;
        }
        return BenchServeOutcome.failed("the stream ended before data: [DONE]", System.nanoTime() - start);
    }

    /**
     * Whether a chunk's choice brings generated tokens: a completions chunk before the finish (its text may be empty,
     * for a token that ends mid-character or a model served without a tokenizer), or a chat delta with content,
     * reasoning or tool calls other than the opening role chunk.
     */
    private static boolean carriesToken(JsonNode choice) {
        JsonNode delta = choice.get("delta");
        boolean finishing = choice.hasNonNull("finish_reason");
        if (delta == null) {
            return choice.has("text") && (!finishing || !choice.path("text").asText("").isEmpty());
        }
        if (delta.has("role")) return false;
        return !delta.path("content").asText("").isEmpty() || !delta.path("reasoning_content").asText("").isEmpty()
                || delta.has("tool_calls") || (!finishing && delta.has("content"));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(REQUEST_TIMEOUT);
        if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
        return b;
    }

    private static byte[] bytes(ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the request body", e);
        }
    }

    private static String clip(String s) {
        String one = s.strip().replace('\n', ' ');
        return one.length() <= ERROR_BODY_CHARS ? one : one.substring(0, ERROR_BODY_CHARS) + "...";
    }

    @Override
    public void close() {
        http.close();
    }
}
