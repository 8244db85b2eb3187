package dev.ariadne.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ariadne.chat.ChatRequest;
import dev.ariadne.chat.ChatTemplate;
import dev.ariadne.engine.RequestOutput;
import dev.ariadne.sample.SamplingParams;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/chat/completions}: the conversation rendered by the model's chat template, tokenized with its
 * control tokens, generated as {@code n} choices; the assistant's text split into reasoning, content and tool calls
 * by the configured parsers ({@link AssistantOutput}); streamed as OpenAI chunks or answered whole.
 */
final class ChatCompletionsEndpoint {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final ServedModel model;
    private final AssistantOutput.Factory output;

    ChatCompletionsEndpoint(ServedModel model, AssistantOutput.Factory output) {
        this.model = model;
        this.output = output;
    }

    void handle(Exchange ex, JsonNode body) throws IOException, InterruptedException {
        model.checkModel(body);
        boolean withTools = toolChoice(body);
        ChatRequest chat = ChatMessages.read(body, withTools);
        ChatTemplate template = model.template();
        String rendered;
        try {
            rendered = template.render(chat);
        } catch (RuntimeException e) {
            throw ApiError.badRequest("the chat template failed on this conversation: " + e.getMessage(), "messages");
        }
        int[] prompt = model.encode(rendered, false);
        int logprobs = -1;
        if (Fields.bool(body, "logprobs", false)) {
            logprobs = (int) Fields.integer(body, "top_logprobs", 0, 0, SamplingParams.MAX_LOGPROBS);
        } else if (Fields.has(body, "top_logprobs")) {
            throw ApiError.badRequest("'top_logprobs' needs 'logprobs': true", "top_logprobs");
        }
        SamplingFields f = SamplingFields.read(body, logprobs, model.options.maxN());
        int max = ContextLimit.maxTokens(prompt.length, f.maxTokens(), model.maxModelLen(), "messages");
        List<SamplingParams> params = new ArrayList<>();
        for (int i = 0; i < f.n(); i++) params.add(f.forChoice(i, max, model.endOfGeneration()));
        ResponseId id = ResponseId.next("chatcmpl-");
        try (ChoiceRun run = new ChoiceRun(model.loop, List.of(prompt), f.n(), params)) {
            if (f.stream()) {
                stream(ex, run, id, f, prompt.length, withTools, chat.kwargs());
            } else {
                complete(ex, run, id, prompt.length, withTools, chat.kwargs());
            }
        }
    }

    /** Whether the tools go to the template and the tool parser runs: vLLM's rules for {@code tool_choice}. */
    private boolean toolChoice(JsonNode body) {
        if (!Fields.has(body, "tools")) return false;
        JsonNode choice = body.get("tool_choice");
        String mode = choice == null || choice.isNull() ? "auto" : choice.isTextual() ? choice.asText() : "named";
        return switch (mode) {
            case "none" -> false;
            case "auto" -> {
                if (!model.options.enableAutoToolChoice()) {
                    throw ApiError.badRequest("\"auto\" tool choice requires --enable-auto-tool-choice and"
                            + " --tool-call-parser to be set", "tool_choice");
                }
                yield true;
            }
            case "required", "named" -> throw ApiError.badRequest("tool_choice \"" + (choice.isTextual()
                    ? choice.asText() : "{function}") + "\" needs guided decoding, which this server does not do;"
                    + " use \"auto\" or \"none\"", "tool_choice");
            default -> throw ApiError.badRequest("'tool_choice' must be \"none\", \"auto\", \"required\" or a named"
                    + " function, found \"" + mode + "\"", "tool_choice");
        };
    }

    private void complete(Exchange ex, ChoiceRun run, ResponseId id, int promptTokens, boolean withTools,
                          Map<String, Object> kwargs) throws InterruptedException, IOException {
        RequestOutput[] outs = new RequestOutput[run.choices()];
        for (ChoiceEvents.Event e; (e = run.next(ex::keepAlive)) != null; ) {
            if (e instanceof ChoiceEvents.Finished fin) outs[fin.choice()] = fin.output();
            if (e instanceof ChoiceEvents.Failed fail) throw CompletionsEndpoint.failure(fail);
        }
        ObjectNode root = header(id, "chat.completion");
        ArrayNode choices = root.putArray("choices");
        int completionTokens = 0;
        LogprobsJson lp = model.tokenizer().map(LogprobsJson::new).orElse(null);
        for (int c = 0; c < outs.length; c++) {
            RequestOutput o = outs[c];
            AssistantOutput.Message m = output.whole(o.text() != null ? o.text() : "", withTools, kwargs);
            ObjectNode ch = choices.addObject();
            ch.put("index", c);
            ch.set("message", m.json());
            ch.set("logprobs", o.logprobs() != null && lp != null ? lp.chat(o.logprobs()) : F.nullNode());
            ch.put("finish_reason", m.toolsCalled() && "stop".equals(o.finishReason()) ? "tool_calls" : o.finishReason());
            CompletionsEndpoint.putStopReason(ch, o.stopReason());
            completionTokens += o.outputIds().length;
        }
        root.set("usage", CompletionsEndpoint.usage(promptTokens, completionTokens));
        ex.json(200, root);
    }

    private void stream(Exchange ex, ChoiceRun run, ResponseId id, SamplingFields f, int promptTokens,
                        boolean withTools, Map<String, Object> kwargs) throws IOException, InterruptedException {
        int completionTokens = 0;
        LogprobsJson lp = model.tokenizer().map(LogprobsJson::new).orElse(null);
        AssistantOutput.Stream[] parsers = new AssistantOutput.Stream[run.choices()];
        try (SseWriter sse = new SseWriter(ex.stream("text/event-stream"))) {
            for (int c = 0; c < parsers.length; c++) {
                parsers[c] = output.stream(withTools, kwargs);
                ObjectNode delta = F.objectNode();
                delta.put("role", "assistant");
                delta.put("content", "");
                sse.send(chunk(id, c, delta, null, null));
            }
            for (ChoiceEvents.Event e; (e = run.next(sse::keepAlive)) != null; ) {
                switch (e) {
                    case ChoiceEvents.Token t -> {
                        List<ObjectNode> deltas = parsers[t.choice()].push(t.textDelta());
                        JsonNode logprobs = t.logprobs() != null && lp != null ? lp.chat(List.of(t.logprobs())) : null;
                        if (deltas.isEmpty() && logprobs != null) deltas = List.of(F.objectNode());
                        for (int i = 0; i < deltas.size(); i++) {
                            sse.send(chunk(id, t.choice(), deltas.get(i), i == 0 ? logprobs : null, null));
                        }
                    }
                    case ChoiceEvents.Finished fin -> {
                        completionTokens += fin.output().outputIds().length;
                        AssistantOutput.Stream p = parsers[fin.choice()];
                        for (ObjectNode delta : p.finish()) sse.send(chunk(id, fin.choice(), delta, null, null));
                        String reason = p.toolsCalled() && "stop".equals(fin.output().finishReason())
                                ? "tool_calls" : fin.output().finishReason();
                        ObjectNode last = chunk(id, fin.choice(), F.objectNode(), null, reason);
                        CompletionsEndpoint.putStopReason((ObjectNode) last.get("choices").get(0),
                                fin.output().stopReason());
                        sse.send(last);
                    }
                    case ChoiceEvents.Failed fail -> sse.send(CompletionsEndpoint.failure(fail).toJson());
                }
            }
            if (f.includeUsage()) {
                ObjectNode root = header(id, "chat.completion.chunk");
                root.putArray("choices");
                root.set("usage", CompletionsEndpoint.usage(promptTokens, completionTokens));
                sse.send(root);
            }
            sse.done();
        }
        ex.finish();
    }

    private ObjectNode chunk(ResponseId id, int choice, ObjectNode delta, JsonNode logprobs, String finishReason) {
        ObjectNode root = header(id, "chat.completion.chunk");
        ObjectNode ch = root.putArray("choices").addObject();
        ch.put("index", choice);
        ch.set("delta", delta);
        ch.set("logprobs", logprobs != null ? logprobs : F.nullNode());
        ch.put("finish_reason", finishReason);
        return root;
    }

    private ObjectNode header(ResponseId id, String object) {
        ObjectNode root = F.objectNode();
        root.put("id", id.id());
        root.put("object", object);
        root.put("created", id.created());
        root.put("model", model.name());
        return root;
    }
}
