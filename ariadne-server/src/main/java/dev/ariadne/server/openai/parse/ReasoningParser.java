package dev.ariadne.server.openai.parse;

import java.util.Map;
import java.util.Objects;

/**
 * Splits a model's output into its reasoning (the text vLLM returns as {@code reasoning_content}) and the content
 * proper, as vLLM's {@code --reasoning-parser} does: whole ({@link #extract}) or as the text streams in
 * ({@link #stream}). Pure text processing; an instance holds no per-request state and may be shared.
 */
public interface ReasoningParser {

    /** vLLM's {@code extract_reasoning}: either part null where vLLM returns {@code None}. */
    Split extract(String output);

    /** Fresh incremental state for one request's output. */
    Stream stream();

    /**
     * The parser for one request, given the request's chat template keyword arguments (after the server's
     * defaults are merged in), as vLLM builds a parser per request from them; {@code enable_thinking} is the one
     * that matters. Parsers that take no keyword arguments return themselves.
     */
    default ReasoningParser withChatTemplateKwargs(Map<String, ?> kwargs) {
        return this;
    }

    /**
     * @param reasoning the reasoning text, or null where vLLM returns None; it may be empty (vLLM returns
     *                  {@code ""} for {@code "</think>answer"})
     * @param content   the rest, or null where vLLM returns None
     */
    record Split(String reasoning, String content) {
    }

    /** One step of a stream: the new reasoning text and the new content text, each possibly empty, never null. */
    record Delta(String reasoning, String content) {
        public static final Delta EMPTY = new Delta("", "");

        public Delta {
            Objects.requireNonNull(reasoning, "reasoning");
            Objects.requireNonNull(content, "content");
        }

        public boolean isEmpty() {
            return reasoning.isEmpty() && content.isEmpty();
        }
    }

    /**
     * Incremental splitting of one output. Text that may still turn out to be part of a tag (a trailing {@code "<th"},
     * say) is held back until the next delta or {@link #finish} decides it, so a tag split across deltas is never
     * emitted as text. Not thread-safe: one stream per request.
     */
    interface Stream {
        /** Takes the next piece of output text; returns what can be emitted now. */
        Delta push(String textDelta);

        /** The output has ended: returns whatever was held back. The stream takes no more text after this. */
        Delta finish();
    }
}
