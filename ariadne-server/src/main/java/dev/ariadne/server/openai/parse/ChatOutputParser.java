package dev.ariadne.server.openai.parse;

import dev.ariadne.server.openai.parse.ToolCallParser.CallDelta;
import dev.ariadne.server.openai.parse.ToolCallParser.ToolCall;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One request's output parsed as vLLM's chat completion server parses it ({@code DelegatingParser.parse} and
 * {@code parse_delta} in {@code vllm/parser/abstract_parser.py}, for {@code tool_choice} auto with
 * {@code --enable-auto-tool-choice}): reasoning first, then tool calls in the content that is left.
 * <ul>
 *   <li>without a reasoning parser the whole output is content; without a tool parser no calls are looked for;</li>
 *   <li>the tool parser reads the content (an absent content as {@code ""}); where it finds calls, the content
 *       becomes its content, and null when that is only whitespace; where it finds none, the content stays as the
 *       reasoning parser left it;</li>
 *   <li>streaming feeds each reasoning delta's content to the tool stream, so tool parsing starts after the
 *       reasoning ends. Whitespace before a call streams as content (vLLM's streaming sends it too), where
 *       {@link #parse} gives null.</li>
 * </ul>
 * {@code tool_choice} none, required or named, and {@code include_reasoning=false}, are the server's to apply.
 */
public final class ChatOutputParser {
    private final ReasoningParser reasoning;
    private final ToolCallParser tools;

    /**
     * @param reasoning the request's reasoning parser (already narrowed by its chat template kwargs), or null
     * @param tools     the tool-call parser, or null where tool calls are not parsed for this request
     */
    public ChatOutputParser(ReasoningParser reasoning, ToolCallParser tools) {
        this.reasoning = reasoning;
        this.tools = tools;
    }

    /** What a finished output carries: either text null where vLLM returns None; calls empty where none. */
    public record Parsed(String reasoning, String content, List<ToolCall> toolCalls) {
        public Parsed {
            toolCalls = List.copyOf(toolCalls);
        }
    }

    /** One step of a stream: reasoning and content text (possibly empty, never null) and call pieces. */
    public record Delta(String reasoning, String content, List<CallDelta> toolCalls) {
        public Delta {
            Objects.requireNonNull(reasoning, "reasoning");
            Objects.requireNonNull(content, "content");
            toolCalls = List.copyOf(toolCalls);
        }

        public boolean isEmpty() {
            return reasoning.isEmpty() && content.isEmpty() && toolCalls.isEmpty();
        }
    }

    public Parsed parse(String output) {
        ReasoningParser.Split split = reasoning == null
                ? new ReasoningParser.Split(null, output) : reasoning.extract(output);
        if (tools == null) {
            return new Parsed(split.reasoning(), split.content(), List.of());
        }
        ToolCallParser.Extracted found = tools.extract(split.content() == null ? "" : split.content());
        if (!found.toolsCalled()) {
            return new Parsed(split.reasoning(), split.content(), List.of());
        }
        String content = found.content() != null && PyText.isBlank(found.content()) ? null : found.content();
        return new Parsed(split.reasoning(), content, found.calls());
    }

    /** Incremental parsing of one output; not thread-safe. */
    public Stream stream() {
        return new Stream(reasoning == null ? null : reasoning.stream(), tools == null ? null : tools.stream());
    }

    public static final class Stream {
        private final ReasoningParser.Stream reasoning;
        private final ToolCallParser.Stream tools;

        private Stream(ReasoningParser.Stream reasoning, ToolCallParser.Stream tools) {
            this.reasoning = reasoning;
            this.tools = tools;
        }

        /** Takes the next piece of output text; returns what can be emitted now. */
        public Delta push(String textDelta) {
            ReasoningParser.Delta r = reasoning == null ? new ReasoningParser.Delta("", textDelta)
                    : reasoning.push(textDelta);
            if (tools == null) {
                return new Delta(r.reasoning(), r.content(), List.of());
            }
            ToolCallParser.Delta t = tools.push(r.content());
            return new Delta(r.reasoning(), t.content(), t.calls());
        }

        /** The output has ended: returns whatever was held back. */
        public Delta finish() {
            ReasoningParser.Delta r = reasoning == null ? ReasoningParser.Delta.EMPTY : reasoning.finish();
            if (tools == null) {
                return new Delta(r.reasoning(), r.content(), List.of());
            }
            ToolCallParser.Delta last = tools.push(r.content());
            ToolCallParser.Delta rest = tools.finish();
            List<CallDelta> calls = new ArrayList<>(last.calls());
            calls.addAll(rest.calls());
            return new Delta(r.reasoning(), last.content() + rest.content(), calls);
        }
    }
}
