package dev.ariadne.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ariadne.chat.ChatTemplate;
import dev.ariadne.engine.LLM;
import dev.ariadne.tokenizer.Tokenizer;
import dev.ariadne.tokenizer.TokenizerPool;

import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * The loaded model as the endpoints see it: the engine loop, the tokenizer (optional: dummy weights have none),
 * the chat template (optional), the served names, and the request-id and model-name rules shared by every endpoint.
 */
final class ServedModel implements AutoCloseable {
    final LLM llm;
    final EngineLoop loop;
    final ServerOptions options;
    final ServingMetrics metrics;
    final long createdSeconds = System.currentTimeMillis() / 1000;
    private final Tokenizer tokenizer;        // null without one
    private final TokenizerPool pool;         // null: tokenize on the request's thread
    private final ChatTemplate template;      // null without one
    private final String templateProblem;     // why there is no template

    ServedModel(LLM llm, EngineLoop loop, ServerOptions options, ServingMetrics metrics) {
        this.llm = llm;
        this.loop = loop;
        this.options = options;
        this.metrics = metrics;
        this.tokenizer = llm.tokenizer().orElse(null);
        this.pool = tokenizer != null && options.tokenizerPoolSize() > 0
                ? new TokenizerPool(tokenizer, options.tokenizerPoolSize()) : null;
        ChatTemplate t = null;
        String problem = null;
        try {
            t = ChatTemplate.ofModel(llm.config().model());
        } catch (RuntimeException e) {
            problem = e.getMessage();
        }
        this.template = t;
        this.templateProblem = problem;
    }

    int maxModelLen() {
        return llm.maxModelLen();
    }

    Tokenizer tokenizer(String forWhat) {
        if (tokenizer == null) {
            throw ApiError.badRequest("the model " + llm.source().description() + " has no tokenizer, so " + forWhat
                    + " is not available; send token ids");
        }
        return tokenizer;
    }

    Optional<Tokenizer> tokenizer() {
        return Optional.ofNullable(tokenizer);
    }

    ChatTemplate template() {
        if (template == null) {
            throw ApiError.badRequest("the model has no chat template (" + templateProblem
                    + "); use /v1/completions", "messages");
        }
        return template;
    }

    int[] encode(String text, boolean addSpecial) {
        Tokenizer t = tokenizer("text input");
        if (pool == null) return t.encode(text, addSpecial, true);
        try {
            return pool.encode(text, addSpecial, true).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    int[] endOfGeneration() {
        if (tokenizer != null) return tokenizer.endOfGenerationIds();
        int eos = llm.modelConfig().eosId();
        return eos >= 0 ? new int[] {eos} : new int[0];
    }

    /** Checks the request's {@code model} (absent means the default); 404 for a name this server does not serve. */
    void checkModel(JsonNode body) {
        String name = Fields.string(body, "model", null);
        if (name != null && !options.servedModelNames().contains(name)) {
            throw ApiError.notFound("The model `" + name + "` does not exist.", "model");
        }
    }

    String name() {
        return options.modelName();
    }

    @Override
    public void close() {
        if (pool != null) pool.close();
        loop.close();
    }
}
