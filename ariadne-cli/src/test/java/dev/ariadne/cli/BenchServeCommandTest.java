package dev.ariadne.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ariadne.config.CacheConfig;
import dev.ariadne.config.EngineConfig;
import dev.ariadne.engine.LLM;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.server.openai.ApiServer;
import dev.ariadne.server.openai.ServerOptions;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench serve} through the CLI entry point against a real server in this process (127.0.0.1, a free port) on
 * the kit's Qwen3-tokenizer chat model (random weights, 2 layers): the counts are exact, the rates only positive.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BenchServeCommandTest {
    private static final Path MODEL = SharedKit.file("models/qwen3-chat/qwen3-chat-Q8_0.gguf");
    private ApiServer server;
    private LLM llm;

    @BeforeAll
    void start() {
        server = new ApiServer(ServerOptions.local("qwen3-chat"), line -> { });
        llm = LLM.load(EngineConfig.defaults(MODEL).withThreads(2).withMaxModelLen(256, true)
                .withCache(CacheConfig.defaults().withNumBlocksOverride(128)), KernelProvider.best(), line -> { });
        server.attach(llm);
    }

    @AfterAll
    void stop() {
        server.close();
        llm.close();
    }

    /** The leak invariant after every run: nothing in flight, every KV block free. */
    @AfterEach
    void drained() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        boolean idle = false;
        while (!idle && System.nanoTime() < deadline) {
            idle = server.engineLoop().inFlight() == 0 && server.engineLoop().call(e -> e.scheduler().isDrained());
            if (!idle) Thread.sleep(10);
        }
        assertTrue(idle, "requests or KV blocks left behind");
    }

    private String url() {
        return "http://127.0.0.1:" + server.port();
    }

    @Test
    void completionsOfTokenIdsProduceExactlyTheAskedTokens() throws Exception {
        // The model's name and tokenizer come from /v1/models (root is the GGUF path).
        CliRun r = CliRun.of("bench", "serve", "--base-url", url(), "--num-prompts", "8", "--random-input-len", "24",
                "--random-output-len", "16", "--max-concurrency", "4", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(8, j.get("completed").asInt(), r.out());
        assertEquals(0, j.get("failed").asInt(), r.out());
        assertEquals(8 * 24, j.get("total_input_tokens").asLong(), r.out());
        assertEquals(8 * 16, j.get("total_output_tokens").asLong(), r.out());
        assertEquals("qwen3-chat", j.get("model_id").asText());
        double duration = j.get("duration").asDouble();
        assertTrue(duration > 0, r.out());
        assertEquals(8 / duration, j.get("request_throughput").asDouble(), 1e-9 * 8 / duration, r.out());
        assertEquals(128 / duration, j.get("output_throughput").asDouble(), 1e-9 * 128 / duration, r.out());
        double ttft = j.get("mean_ttft_ms").asDouble(), e2e = j.get("mean_e2el_ms").asDouble();
        assertTrue(ttft > 0 && e2e > ttft && j.get("mean_tpot_ms").asDouble() > 0, r.out());
        assertTrue(j.get("p99_ttft_ms").asDouble() >= j.get("median_ttft_ms").asDouble(), r.out());
        assertTrue(j.get("mean_itl_ms").asDouble() > 0 && e2e <= duration * 1000, r.out());
    }

    @Test
    void chatAtARequestRatePrintsTheSummaryAndTable() {
        CliRun r = CliRun.of("bench", "serve", "--base-url", url(), "--endpoint", "/v1/chat/completions",
                "--model", "qwen3-chat", "--num-prompts", "6", "--random-input-len", "16", "--random-output-len", "8",
                "--request-rate", "50", "--seed", "7");
        assertEquals(0, r.exitCode(), r.err());
        String out = r.out();
        assertTrue(out.contains("Successful requests:                     6\n"), out);
        assertTrue(out.contains("Failed requests:                         0\n"), out);
        assertTrue(out.contains("Request rate configured (RPS):           50.00\n"), out);
        assertTrue(out.contains("Total generated tokens:                  48\n"), out);
        for (String row : new String[] {"| TTFT (ms) |", "| TPOT (ms) |", "| ITL (ms) |", "| E2E (ms) |",
                "| output tok/s per request |"}) {
            assertTrue(out.contains(row), row + " missing:\n" + out);
        }
        assertTrue(!out.contains("Errors"), out);
    }

    @Test
    void aModelTheServerRefusesFailsTheInitialTestRequest() {
        CliRun r = CliRun.of("bench", "serve", "--base-url", url(), "--model", "no-such-model", "--tokenizer",
                MODEL.toString(), "--num-prompts", "2", "--random-input-len", "4", "--random-output-len", "2");
        assertEquals(1, r.exitCode(), r.out());
        assertTrue(r.err().contains("initial test request failed") && r.err().contains("HTTP 404"), r.err());
    }

    @Test
    void badFlagsAreClearErrors() {
        CliRun r = CliRun.of("bench", "serve", "--base-url", url(), "--endpoint", "/v1/embeddings");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("--endpoint must be"), r.err());
        r = CliRun.of("bench", "serve", "--base-url", url(), "--request-rate", "fast");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("--request-rate must be a number or inf"), r.err());
    }
}
