package dev.ariadne.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ariadne.engine.LLM;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Consumer;

/**
 * The OpenAI-compatible HTTP server (vLLM's {@code api_server}) on Jetty, every request on its own virtual thread.
 * It listens before the model is loaded, answering 503 on /health and the API until {@link #attach} hands it the
 * engine, as vLLM does while it loads.
 *
 * <pre>
 * GET  /health  /version  /metrics  /v1/models
 * POST /v1/chat/completions  /v1/completions  /tokenize  /detokenize
 * </pre>
 */
public final class ApiServer implements AutoCloseable {
    private final ServerOptions options;
    private final Consumer<String> log;
    private final Server jetty;
    private final ServerConnector connector;
    private volatile ServedModel served;
    private volatile Endpoints endpoints;

    private record Endpoints(ChatCompletionsEndpoint chat, CompletionsEndpoint completions,
                             TokenizeEndpoint tokenize) {
    }

    /** Binds and starts listening (the model is not there yet). */
    public ApiServer(ServerOptions options, Consumer<String> log) {
        this.options = options;
        this.log = log;
        VirtualThreadPool threads = new VirtualThreadPool();
        threads.setName("ariadne-http");
        jetty = new Server(threads);
        connector = new ServerConnector(jetty);
        connector.setHost(options.host());
        connector.setPort(options.port());
        // Generation can go a long time between writes (a long prompt's prefill, a non-streamed answer).
        connector.setIdleTimeout(3_600_000);
        jetty.addConnector(connector);
        jetty.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                ApiServer.this.handle(new Exchange(request, response, callback, options.maxRequestBodyBytes()));
                return true;
            }
        });
        jetty.setStopTimeout(5_000);
        try {
            jetty.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + options.host() + ":" + options.port() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The engine is ready: the API starts answering. */
    public void attach(LLM llm) {
        ServingMetrics[] metrics = new ServingMetrics[1];
        EngineLoop[] loop = new EngineLoop[1];
        metrics[0] = new ServingMetrics(options.modelName(), () -> loop[0].snapshot());
        loop[0] = new EngineLoop(llm.engine(), metrics[0], options.maxQueuedRequests());
        ServedModel model = new ServedModel(llm, loop[0], options, metrics[0]);
        AssistantOutput.Factory output = new AssistantOutput.Factory(options.reasoningParser(),
                options.toolCallParser());
        endpoints = new Endpoints(new ChatCompletionsEndpoint(model, output),
                new CompletionsEndpoint(model), new TokenizeEndpoint(model));
        served = model;
        log.accept("Serving " + options.servedModelNames() + " on http://" + options.host() + ":" + port());
    }

    /** The port it listens on (the chosen one when {@link ServerOptions#port()} is 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The engine loop, once attached (tests read the engine's state through it). */
    public EngineLoop engineLoop() {
        ServedModel m = served;
        if (m == null) throw new IllegalStateException("no model attached yet");
        return m.loop;
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    private void handle(Exchange ex) {
        try {
            route(ex);
        } catch (ApiError e) {
            if (!ex.answered()) ex.error(e);
            else ex.fail(e);
        } catch (IOException e) {
            // The client went away mid-answer; ChoiceRun has already aborted its requests.
            ex.fail(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.fail(e);
        } catch (RuntimeException | Error e) {
            log.accept("ERROR " + ex.method() + " " + ex.path() + " failed: " + e);
            e.printStackTrace(System.err);
            if (!ex.answered()) {
                ex.error(new ApiError(500, "InternalServerError", "internal error: " + e, null));
            } else {
                ex.fail(e);
            }
        }
    }

    private void route(Exchange ex) throws IOException, InterruptedException {
        String path = ex.path();
        String method = ex.method();
        boolean api = path.startsWith("/v1/");
        boolean ops = path.equals("/health") || path.equals("/metrics");
        if (options.apiKey() != null && (api || (ops && options.protectMetrics()))) checkKey(ex);
        switch (path) {
            case "/health" -> {
                expect(method, "GET");
                ServedModel m = served;
                if (m == null) throw ApiError.unavailable("the model is loading");
                if (m.loop.deadReason() != null) throw ApiError.unavailable("the engine has stopped: "
                        + m.loop.deadReason());
                ex.text(200, "text/plain", "");
            }
            case "/version" -> {
                expect(method, "GET");
                ex.json(200, JsonNodeFactory.instance.objectNode().put("version", version()));
            }
            case "/metrics" -> {
                expect(method, "GET");
                ServedModel m = ready();
                OutputStream out = ex.stream(m.metrics.contentType());
                m.metrics.write(out);
                out.close();
                ex.finish();
            }
            case "/v1/models" -> {
                expect(method, "GET");
                ModelsEndpoint.handle(ex, ready());
            }
            case "/v1/chat/completions" -> {
                expect(method, "POST");
                JsonNode body = ex.jsonBody();
                ready();
                endpoints.chat().handle(ex, body);
            }
            case "/v1/completions" -> {
                expect(method, "POST");
                JsonNode body = ex.jsonBody();
                ready();
                endpoints.completions().handle(ex, body);
            }
            case "/tokenize" -> {
                expect(method, "POST");
                JsonNode body = ex.jsonBody();
                ready();
                endpoints.tokenize().tokenize(ex, body);
            }
            case "/detokenize" -> {
                expect(method, "POST");
                JsonNode body = ex.jsonBody();
                ready();
                endpoints.tokenize().detokenize(ex, body);
            }
            default -> throw ApiError.notFound("no such endpoint: " + method + " " + path, null);
        }
    }

    private ServedModel ready() {
        ServedModel m = served;
        if (m == null) throw ApiError.unavailable("the model is loading");
        return m;
    }

    private static void expect(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw new ApiError(405, "MethodNotAllowedError", "use " + allowed + " here, not " + method, null);
        }
    }

    private void checkKey(Exchange ex) {
        String given = ex.header("Authorization");
        byte[] expected = ("Bearer " + options.apiKey()).getBytes(StandardCharsets.UTF_8);
        if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiError(401, "AuthenticationError", "Unauthorized: send 'Authorization: Bearer <key>'"
                    + " with the server's --api-key", null);
        }
    }

    static String version() {
        String v = ApiServer.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }

    /** Stops listening, then stops the engine loop (aborting what runs). The caller closes the {@link LLM}. */
    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            log.accept("WARN stopping the HTTP server: " + e.getMessage());
        }
        ServedModel m = served;
        if (m != null) m.close();
    }
}
