package dev.ariadne.server.openai;

import dev.ariadne.config.CacheConfig;
import dev.ariadne.config.EngineConfig;
import dev.ariadne.config.SchedulingConfig;
import dev.ariadne.engine.LLM;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.testing.ScriptedChatModel;

import java.nio.file.Path;

/** An {@link ApiServer} on 127.0.0.1 and a free port over a small model, for the integration tests. */
final class TestServer implements AutoCloseable {
    final LLM llm;
    final ApiServer server;

    private TestServer(LLM llm, ApiServer server) {
        this.llm = llm;
        this.server = server;
    }

    /** {@code blocks} KV blocks of 16 tokens, a context of {@code maxModelLen}. */
    static TestServer start(Path model, ServerOptions options, int maxModelLen, int blocks) {
        return start(EngineConfig.defaults(model).withThreads(2).withMaxModelLen(maxModelLen, true)
                .withCache(CacheConfig.defaults().withNumBlocksOverride(blocks)), options);
    }

    /**
     * A scripted model ({@link ScriptedChatModel}): its 151936-token vocabulary makes 256 sequences' logits 155 MB,
     * so it runs with at most 8.
     */
    static TestServer startScripted(ScriptedChatModel model, ServerOptions options) {
        return start(EngineConfig.defaults(model.dir()).withThreads(2).withMaxModelLen(256, false)
                .withCache(CacheConfig.defaults().withNumBlocksOverride(64)).withMaxNumBatchedTokens(64)
                .withScheduling(new SchedulingConfig(8, true, null)), options);
    }

    static TestServer start(EngineConfig config, ServerOptions options) {
        ApiServer server = new ApiServer(options, line -> { });
        LLM llm = null;
        try {
            llm = LLM.load(config, KernelProvider.best(), line -> { });
            server.attach(llm);
            return new TestServer(llm, server);
        } catch (RuntimeException e) {
            server.close();
            if (llm != null) llm.close();
            throw e;
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The leak invariant after a test: nothing running, nothing queued, every KV block free. */
    boolean drained() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean idle = server.engineLoop().inFlight() == 0
                    && server.engineLoop().call(e -> e.scheduler().isDrained());
            if (idle) return true;
            Thread.sleep(10);
        }
        return false;
    }

    @Override
    public void close() {
        server.close();
        llm.close();
    }
}
