package dev.ariadne.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ariadne.config.EngineConfig;
import dev.ariadne.config.RopeScalingMode;
import dev.ariadne.testing.Reference;
import dev.ariadne.testing.SharedKit;
import dev.ariadne.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One server with {@code --rope-scaling-mode per-request} on qwen3-yarn-F32 (context 256, YaRN x4): a short and a
 * long /v1/completions request sent at once each continue as llama.cpp's greedy run of their kind, the short one as
 * the unscaled qwen3-F32 (p64 kv_f32), the long one as YaRN (p900_yarn yarn_gguf_kv_f32).
 */
class PerRequestYarnServerTest {

    private static Reference.Entry entry(String model, String prompt, String variant) {
        return Reference.entries().stream()
                .filter(e -> e.model().equals(model) && e.prompt().equals(prompt) && e.variant().equals(variant))
                .findFirst().orElseThrow(() -> new AssertionError("no reference run " + model + " " + prompt));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shortAndLongRequestsAtOnceEachMatchTheirReference() throws Exception {
        Reference.Entry shortRun = entry("models/qwen3/qwen3-F32.gguf", "p64", "kv_f32");
        Reference.Entry longRun = entry("models/qwen3/qwen3-yarn-F32.gguf", "p900_yarn", "yarn_gguf_kv_f32");
        EngineConfig c = EngineConfig.defaults(SharedKit.file(longRun.model())).withThreads(2).withKvCacheDType("f32")
                .withRopeScalingMode(RopeScalingMode.PER_REQUEST);
        try (TestServer server = TestServer.start(c, ServerOptions.local("qwen3-yarn"));
             var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            String url = server.baseUrl() + "/v1/completions";
            CompletableFuture<Http.Reply> a = CompletableFuture.supplyAsync(() -> post(url, shortRun), pool);
            CompletableFuture<Http.Reply> b = CompletableFuture.supplyAsync(() -> post(url, longRun), pool);
            Tokenizer tok = server.llm.tokenizer().orElseThrow();
            check(a.get(), shortRun, tok);
            check(b.get(), longRun, tok);
            assertTrue(server.drained(), "leak: requests or blocks left behind");
        }
    }

    private static Http.Reply post(String url, Reference.Entry e) {
        ObjectNode body = Http.JSON.createObjectNode();
        body.put("model", "qwen3-yarn");
        var prompt = body.putArray("prompt");
        for (int id : e.promptIds()) prompt.add(id);
        body.put("max_tokens", e.greedy().length);
        body.put("temperature", 0);
        body.put("ignore_eos", true);
        try {
            return Http.post(url, body.toString());
        } catch (Exception x) {
            throw new AssertionError(x);
        }
    }

    private static void check(Http.Reply r, Reference.Entry e, Tokenizer tok) {
        assertEquals(200, r.status(), r.body());
        JsonNode j = r.json();
        assertEquals(e.greedy().length, j.get("usage").get("completion_tokens").asInt(), r.body());
        assertEquals(tok.decode(e.greedy()), j.get("choices").get(0).get("text").asText(), e + ": " + r.body());
    }
}
