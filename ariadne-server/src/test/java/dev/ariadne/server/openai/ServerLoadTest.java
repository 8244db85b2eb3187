package dev.ariadne.server.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The serving acceptance load: 64 concurrent streaming clients for 60 s on the kit's small chat model, chat and text
 * completions mixed, a quarter of the clients hanging up at a random point of every stream. Zero server errors
 * (every request that is not hung up on gets 200 and a well-formed stream, {@link StreamCheck}); afterwards nothing
 * runs or waits, every KV block is free, and the server has seen the hang-ups as aborts.
 */
class ServerLoadTest {
    private static final Duration LOAD = Duration.ofSeconds(60);
    private static final int CLIENTS = 64;
    private static final int HANGING_UP = CLIENTS / 4;
    /** After the load ends, how long the last requests (at most 64 tokens each) may take to finish. */
    private static final Duration GRACE = Duration.ofSeconds(60);
    private static final long SEED = 20240611L;
    private static final String[] WORDS = {"the", "river", "ran", "past", "a", "quiet", "town", "where", "nobody",
            "had", "seen", "snow", "before", "winter", "came", "early", "and", "children", "laughed", "loudly"};

    /** What the clients saw, summed over all of them. */
    private static final class Tally {
        final AtomicLong completed = new AtomicLong();
        final AtomicLong hungUp = new AtomicLong();
        final AtomicLong tokens = new AtomicLong();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void sixtyFourStreamingClientsForAMinuteLeaveNothingBehind() throws Exception {
        try (TestServer server = TestServer.start(SharedKit.file("models/qwen3-chat/qwen3-chat-Q8_0.gguf"),
                ServerOptions.local("qwen3-chat"), 512, 1024);
             HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                     .connectTimeout(Duration.ofSeconds(10)).build()) {
            Tally tally = new Tally();
            long start = System.nanoTime();
            long deadline = start + LOAD.toNanos();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int index = i;
                clients.add(Thread.ofVirtual().name("load-client-" + i)
                        .start(() -> client(http, server.baseUrl(), index, deadline, tally)));
            }
            long joinBy = deadline + GRACE.toNanos();
            int stuck = 0;
            for (Thread t : clients) {
                if (!t.join(Duration.ofNanos(Math.max(1, joinBy - System.nanoTime())))) stuck++;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long requests = tally.completed.get() + tally.hungUp.get();
            System.out.printf("ServerLoadTest: %d clients (%d hanging up) for %.1f s: %d requests completed, %d hung"
                            + " up, %d completion tokens in usage chunks, %.1f req/s, %d failures%n", CLIENTS,
                    HANGING_UP, seconds, tally.completed.get(), tally.hungUp.get(), tally.tokens.get(),
                    requests / seconds, tally.failures.size());
            assertEquals(0, stuck, stuck + " clients still waiting on their stream " + GRACE.toSeconds()
                    + " s after the load ended");
            assertTrue(tally.failures.isEmpty(), tally.failures.size() + " failures, the first: "
                    + tally.failures.stream().limit(10).toList());
            assertTrue(tally.completed.get() > CLIENTS && tally.hungUp.get() > HANGING_UP,
                    "too little load to judge: " + tally.completed + " completed, " + tally.hungUp + " hung up");
            afterTheLoad(server, http, tally);
        }
    }

    /** One client: requests back to back until the deadline; clients below {@link #HANGING_UP} hang up on each. */
    private static void client(HttpClient http, String baseUrl, int index, long deadline, Tally tally) {
        SplittableRandom rnd = new SplittableRandom(SEED + index);
        boolean hangsUp = index < HANGING_UP;
        try {
            while (System.nanoTime() < deadline) {
                boolean chat = rnd.nextBoolean();
                int maxTokens = 8 + rnd.nextInt(57);
                boolean usage = rnd.nextInt(4) != 0;
                ObjectNode body = chat ? chatBody(rnd) : completionBody(rnd);
                body.put("max_tokens", maxTokens);
                body.put("temperature", rnd.nextBoolean() ? 0.0 : 1.0);
                if (rnd.nextBoolean()) body.put("ignore_eos", true);
                body.put("stream", true);
                if (usage) body.putObject("stream_options").put("include_usage", true);
                // Events to read before hanging up; past the stream's end (early EOS) it just completes.
                int cutAfter = hangsUp ? rnd.nextInt(maxTokens + 1) : Integer.MAX_VALUE;
                stream(http, baseUrl + (chat ? "/v1/chat/completions" : "/v1/completions"), body,
                        new StreamCheck(chat, maxTokens, usage), cutAfter, tally);
            }
        } catch (InterruptedException e) {
            tally.failures.add("client " + index + " interrupted");
        } catch (RuntimeException e) {
            tally.failures.add("client " + index + " crashed: " + e);
        }
    }

    /** Sends one request and reads (and checks) its stream, hanging up after {@code cutAfter} events. */
    private static void stream(HttpClient http, String url, ObjectNode body, StreamCheck check, int cutAfter,
                               Tally tally) throws InterruptedException {
        String what = url.substring(url.indexOf("/v1/")) + " " + body;
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<InputStream> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            tally.failures.add("send failed: " + e + " for " + what);
            return;
        }
        // Closing the body before its end makes the JDK client drop the connection, which the server must notice.
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                tally.failures.add("HTTP " + r.statusCode() + " " + new String(in.readNBytes(500),
                        StandardCharsets.UTF_8) + " for " + what);
                return;
            }
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (!type.startsWith("text/event-stream")) {
                tally.failures.add("Content-Type " + type + " for " + what);
                return;
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = lines.readLine()) != null; ) {
                String problem = check.line(line);
                if (problem != null) {
                    tally.failures.add(problem + " in " + what);
                    return;
                }
                if (check.events() >= cutAfter && line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                    tally.hungUp.incrementAndGet();
                    return;
                }
            }
            String problem = check.end();
            if (problem != null) {
                tally.failures.add(problem + " in " + what);
                return;
            }
            tally.completed.incrementAndGet();
            tally.tokens.addAndGet(Math.max(0, check.completionTokens()));
        } catch (IOException e) {
            tally.failures.add("reading the stream: " + e + " for " + what);
        }
    }

    private static ObjectNode chatBody(SplittableRandom rnd) {
        ObjectNode b = JsonNodeFactory.instance.objectNode().put("model", "qwen3-chat");
        ArrayNode messages = b.putArray("messages");
        if (rnd.nextInt(4) == 0) messages.addObject().put("role", "system").put("content", words(rnd, 8));
        messages.addObject().put("role", "user").put("content", words(rnd, 30));
        return b;
    }

    /** Half text prompts, half token ids (under Qwen3's 151,643 ordinary tokens). */
    private static ObjectNode completionBody(SplittableRandom rnd) {
        ObjectNode b = JsonNodeFactory.instance.objectNode().put("model", "qwen3-chat");
        if (rnd.nextBoolean()) {
            b.put("prompt", words(rnd, 40));
        } else {
            ArrayNode ids = b.putArray("prompt");
            for (int i = 1 + rnd.nextInt(48); i > 0; i--) ids.add(rnd.nextInt(151_643));
        }
        return b;
    }

    private static String words(SplittableRandom rnd, int most) {
        StringBuilder s = new StringBuilder();
        for (int i = 1 + rnd.nextInt(most); i > 0; i--) s.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
        return s.toString().strip();
    }

    /**
     * The state after the load: /metrics shows nothing running or waiting (within 10 s) and no KV block in use; the
     * engine is drained (the leak invariant); every hang-up the server noticed counts as an abort, and the request
     * counts agree with what the clients saw.
     */
    private static void afterTheLoad(TestServer server, HttpClient http, Tally tally) throws Exception {
        long until = System.nanoTime() + 10_000_000_000L;
        String metrics = metrics(http, server);
        while (System.nanoTime() < until && (gauge(metrics, "vllm:num_requests_running") != 0
                || gauge(metrics, "vllm:num_requests_waiting") != 0)) {
            Thread.sleep(50);
            metrics = metrics(http, server);
        }
        assertEquals(0, gauge(metrics, "vllm:num_requests_running"), metrics);
        assertEquals(0, gauge(metrics, "vllm:num_requests_waiting"), metrics);
        // Freed blocks stay in the prefix cache, but they are free: usage must be exactly 0.
        assertEquals(0.0, gauge(metrics, "vllm:kv_cache_usage_perc"), metrics);
        assertTrue(server.drained(), "leak: the engine still holds requests or KV blocks");

        String success = "vllm:request_success_total";
        double aborts = sum(metrics, success, "finished_reason=\"abort\"");
        double finished = sum(metrics, success, "finished_reason=\"stop\"") + sum(metrics, success,
                "finished_reason=\"length\"");
        double all = sum(metrics, success, "");
        int cachedFree = server.server.engineLoop().call(e -> e.scheduler().kvCacheManager().pool().numCached());
        System.out.printf("ServerLoadTest: server counted %.0f finished (stop or length) and %.0f aborted requests,"
                        + " %.0f preemptions; %d free blocks still hold prefix-cache entries%n", finished, aborts,
                sum(metrics, "vllm:num_preemptions_total", ""), cachedFree);
        assertTrue(aborts > 0, "the server saw no hang-up as an abort:\n" + metrics);
        // A hang-up after the last token, or before the engine took the request, is not an engine abort.
        assertTrue(aborts <= tally.hungUp.get(), aborts + " aborts > " + tally.hungUp + " hang-ups");
        assertTrue(finished >= tally.completed.get(), finished + " finished < " + tally.completed + " completed");
        assertTrue(all <= tally.completed.get() + tally.hungUp.get(), all + " requests counted, more than were sent");
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    private static String metrics(HttpClient http, TestServer server) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    /** The one sample of a gauge; missing is an error. */
    private static double gauge(String metrics, String name) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no " + name + " in /metrics:\n" + metrics);
    }

    /** The sum of a metric's samples whose labels contain {@code label}; 0 when there are none. */
    private static double sum(String metrics, String name, String label) {
        double total = 0;
        for (String line : metrics.split("\n")) {
            int space = line.lastIndexOf(' ');
            if (space < 0 || line.startsWith("#")) continue;
            String key = line.substring(0, space);
            if ((key.equals(name) || key.startsWith(name + "{")) && key.contains(label)) {
                total += Double.parseDouble(line.substring(space + 1));
            }
        }
        return total;
    }
}
