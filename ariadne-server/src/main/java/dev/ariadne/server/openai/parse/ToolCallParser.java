package dev.ariadne.server.openai.parse;

import java.util.List;
import java.util.Objects;

/**
 * Finds the tool calls in a model's content (the part after the reasoning, see {@link ReasoningParser}) as vLLM's
 * {@code --tool-call-parser} does: whole ({@link #extract}) or as the content streams in ({@link #stream}). Pure
 * text processing; an instance may be shared, each stream belongs to one request.
 */
public interface ToolCallParser {

    /** vLLM's {@code extract_tool_calls}. */
    Extracted extract(String content);

    /** Fresh incremental state for one request's content. */
    Stream stream();

    /**
     * One call as the response's {@code tool_calls} entry carries it ({@code type} is always {@code "function"}).
     *
     * @param argumentsJson the arguments as a JSON text, serialized as vLLM does
     */
    record ToolCall(String id, String name, String argumentsJson) {
        public ToolCall {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(argumentsJson, "argumentsJson");
        }
    }

    /**
     * @param content the text that is not a tool call (null where vLLM returns None); where no call was found, the
     *                content exactly as given
     * @param calls   the calls in order, empty where none was found (vLLM's {@code tools_called=False})
     */
    record Extracted(String content, List<ToolCall> calls) {
        public Extracted {
            calls = List.copyOf(calls);
        }

        public boolean toolsCalled() {
            return !calls.isEmpty();
        }
    }

    /**
     * One piece of a streamed call, the shape of a {@code delta.tool_calls[]} entry: the first piece of a call has
     * {@code id}, {@code type} ({@code "function"}) and {@code name}, later pieces have them null; concatenating
     * the {@code arguments} of a call's pieces gives its {@link ToolCall#argumentsJson}.
     *
     * @param index the call's position among this output's calls, from 0
     */
    record CallDelta(int index, String id, String type, String name, String arguments) {
    }

    /** One step of a stream: new content text (possibly empty, never null) and new call pieces. */
    record Delta(String content, List<CallDelta> calls) {
        public static final Delta EMPTY = new Delta("", List.of());

        public Delta {
            Objects.requireNonNull(content, "content");
            calls = List.copyOf(calls);
        }

        public boolean isEmpty() {
            return content.isEmpty() && calls.isEmpty();
        }
    }

    /** Incremental extraction over one output's content. Not thread-safe. */
    interface Stream {
        /** Takes the next piece of content; returns what can be emitted now. */
        Delta push(String contentDelta);

        /** The content has ended: returns whatever was held back. The stream takes no more text after this. */
        Delta finish();
    }
}
