package dev.ariadne.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ariadne.engine.RequestOutput;
import dev.ariadne.sample.SampleLogprobs;
import dev.ariadne.sample.SamplingParams;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/completions}: {@code prompt} as a string, a list of strings, token ids, or a list of token-id
 * lists; {@code n} choices per prompt; {@code logprobs} as an integer (top entries per token); streamed or not.
 */
final class CompletionsEndpoint {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final ServedModel model;

    CompletionsEndpoint(ServedModel model) {
        this.model = model;
    }

    void handle(Exchange ex, JsonNode body) throws IOException, InterruptedException {
        model.checkModel(body);
        if (Fields.bool(body, "echo", false)) throw ApiError.badRequest("'echo' is not supported", "echo");
        if (Fields.has(body, "suffix")) throw ApiError.badRequest("'suffix' is not supported", "suffix");
        List<int[]> prompts = prompts(body);
        int logprobs = (int) Fields.integer(body, "logprobs", -1, 0, SamplingParams.MAX_LOGPROBS);
        SamplingFields f = SamplingFields.read(body, logprobs, model.options.maxN());
        List<SamplingParams> params = new ArrayList<>();
        int promptTokens = 0;
        for (int[] p : prompts) {
            int max = ContextLimit.maxTokens(p.length, f.maxTokens(), model.maxModelLen(), "prompt");
            promptTokens += p.length;
            for (int i = 0; i < f.n(); i++) params.add(f.forChoice(params.size(), max, model.endOfGeneration()));
        }
        ResponseId id = ResponseId.next("cmpl-");
        try (ChoiceRun run = new ChoiceRun(model.loop, prompts, f.n(), params)) {
            if (f.stream()) {
                stream(ex, run, id, f, promptTokens);
            } else {
                complete(ex, run, id, f, promptTokens);
            }
        }
    }

    private List<int[]> prompts(JsonNode body) {
        JsonNode p = body.get("prompt");
        if (p == null || p.isNull()) throw ApiError.badRequest("'prompt' is required", "prompt");
        List<int[]> out = new ArrayList<>();
        if (p.isTextual()) {
            out.add(text(p.asText()));
        } else if (p.isArray() && !p.isEmpty()) {
            if (p.get(0).isIntegralNumber()) {
                out.add(ids(p));
            } else {
                for (JsonNode x : p) {
                    if (x.isTextual()) out.add(text(x.asText()));
                    else if (x.isArray()) out.add(ids(x));
                    else throw badPrompt();
                }
            }
        } else {
            throw badPrompt();
        }
        return out;
    }

    private int[] text(String s) {
        int[] ids = model.encode(s, true);
        if (ids.length == 0) throw ApiError.badRequest("the prompt is empty", "prompt");
        return ids;
    }

    private int[] ids(JsonNode a) {
        if (a.isEmpty()) throw ApiError.badRequest("the prompt is empty", "prompt");
        int vocab = model.llm.modelConfig().vocabSize();
        int[] ids = new int[a.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode x = a.get(i);
            if (!x.isIntegralNumber() || !x.canConvertToInt()) throw badPrompt();
            ids[i] = x.asInt();
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw ApiError.badRequest("token id " + ids[i] + " is out of vocabulary [0, " + vocab + ")", "prompt");
            }
        }
        return ids;
    }

    private static ApiError badPrompt() {
        return ApiError.badRequest("'prompt' must be a string, a list of strings, a list of token ids, or a list of"
                + " token-id lists", "prompt");
    }

    private void complete(Exchange ex, ChoiceRun run, ResponseId id, SamplingFields f, int promptTokens)
            throws InterruptedException, IOException {
        RequestOutput[] outs = new RequestOutput[run.choices()];
        for (ChoiceEvents.Event e; (e = run.next(ex::keepAlive)) != null; ) {
            if (e instanceof ChoiceEvents.Finished fin) outs[fin.choice()] = fin.output();
            if (e instanceof ChoiceEvents.Failed fail) throw failure(fail);
        }
        ObjectNode root = header(id);
        ArrayNode choices = root.putArray("choices");
        int completionTokens = 0;
        LogprobsJson lp = model.tokenizer().map(LogprobsJson::new).orElse(null);
        for (int c = 0; c < outs.length; c++) {
            RequestOutput o = outs[c];
            ObjectNode ch = choices.addObject();
            ch.put("index", c);
            ch.put("text", o.text() != null ? o.text() : "");
            if (f.logprobs() >= 0 && lp != null && o.logprobs() != null) {
                ch.set("logprobs", lp.completion(o.logprobs(), 0, f.logprobs()));
            } else {
                ch.putNull("logprobs");
            }
            ch.put("finish_reason", o.finishReason());
            putStopReason(ch, o.stopReason());
            completionTokens += o.outputIds().length;
        }
        root.set("usage", usage(promptTokens, completionTokens));
        ex.json(200, root);
    }

    private void stream(Exchange ex, ChoiceRun run, ResponseId id, SamplingFields f, int promptTokens)
            throws IOException, InterruptedException {
        int[] textLength = new int[run.choices()];
        int completionTokens = 0;
        LogprobsJson lp = model.tokenizer().map(LogprobsJson::new).orElse(null);
        try (SseWriter sse = new SseWriter(ex.stream("text/event-stream"))) {
            for (ChoiceEvents.Event e; (e = run.next(sse::keepAlive)) != null; ) {
                switch (e) {
                    case ChoiceEvents.Token t -> {
                        boolean withLogprobs = t.logprobs() != null && lp != null;
                        // One chunk per sampled token, text or not (vLLM too): a client counts tokens by chunks,
                        // and a model served without a tokenizer streams empty text. Only an empty end-of-request
                        // release (index -1) is skipped.
                        if (t.index() < 0 && t.textDelta().isEmpty()) continue;
                        ObjectNode chunk = chunk(id, t.choice(), t.textDelta());
                        ObjectNode ch = (ObjectNode) chunk.get("choices").get(0);
                        ch.set("logprobs", withLogprobs
                                ? lp.completion(List.of(t.logprobs()), textLength[t.choice()], f.logprobs())
                                : F.nullNode());
                        ch.putNull("finish_reason");
                        textLength[t.choice()] += t.textDelta().length();
                        sse.send(chunk);
                    }
                    case ChoiceEvents.Finished fin -> {
                        completionTokens += fin.output().outputIds().length;
                        ObjectNode chunk = chunk(id, fin.choice(), "");
                        ObjectNode ch = (ObjectNode) chunk.get("choices").get(0);
                        ch.putNull("logprobs");
                        ch.put("finish_reason", fin.output().finishReason());
                        putStopReason(ch, fin.output().stopReason());
                        sse.send(chunk);
                    }
                    case ChoiceEvents.Failed fail -> sse.send(failure(fail).toJson());
                }
            }
            if (f.includeUsage()) {
                ObjectNode root = header(id);
                root.putArray("choices");
                root.set("usage", usage(promptTokens, completionTokens));
                sse.send(root);
            }
            sse.done();
        }
        ex.finish();
    }

    /** A stream chunk holding one choice's delta; the caller fills the rest of that choice. */
    private ObjectNode chunk(ResponseId id, int choice, String text) {
        ObjectNode root = header(id);
        ObjectNode ch = root.putArray("choices").addObject();
        ch.put("index", choice);
        ch.put("text", text);
        return root;
    }

    private ObjectNode header(ResponseId id) {
        ObjectNode root = F.objectNode();
        root.put("id", id.id());
        root.put("object", "text_completion");
        root.put("created", id.created());
        root.put("model", model.name());
        return root;
    }

    static ObjectNode usage(int prompt, int completion) {
        ObjectNode u = F.objectNode();
        u.put("prompt_tokens", prompt);
        u.put("completion_tokens", completion);
        u.put("total_tokens", prompt + completion);
        return u;
    }

    /** vLLM's extra {@code stop_reason}: the stop string, the stop token id, or null. */
    static void putStopReason(ObjectNode choice, Object stopReason) {
        if (stopReason instanceof String s) choice.put("stop_reason", s);
        else if (stopReason instanceof Integer i) choice.put("stop_reason", i);
        else choice.putNull("stop_reason");
    }

    static ApiError failure(ChoiceEvents.Failed fail) {
        return fail.clientError() ? ApiError.badRequest(fail.message())
                : new ApiError(500, "InternalServerError", fail.message(), null);
    }
}
