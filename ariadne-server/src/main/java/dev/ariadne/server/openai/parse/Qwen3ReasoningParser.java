package dev.ariadne.server.openai.parse;

import java.util.Collection;
import java.util.Map;

/**
 * vLLM's {@code --reasoning-parser qwen3}, following {@code vllm/reasoning/qwen3_reasoning_parser.py} on vLLM main
 * of 2026, after PR #35230 (a missing {@code </think>} means truncated reasoning, unless {@code enable_thinking} is
 * false) and PR #35687 with its later {@code <function=} look-ahead (an unclosed thinking block also ends at a
 * {@code <tool_call>} that opens a function). Qwen3 marks reasoning {@code <think>...</think>}; since Qwen3-2507
 * Thinking and Qwen3.5 the chat template puts {@code <think>} in the prompt, so the output usually holds only
 * {@code </think>}. {@link #extract} does, in this order:
 * <ol>
 *   <li>if the output holds {@code <think>}, everything up to and including its first one is dropped;</li>
 *   <li>if what is left holds {@code </think>}: reasoning is the text before the first one (possibly empty),
 *       content the text after it (null when empty). This holds even with {@code enable_thinking=false};</li>
 *   <li>else, with {@code enable_thinking=false}: no reasoning, all of it is content;</li>
 *   <li>else, if the first {@code <tool_call>} is followed (after whitespace) by {@code <function} and a space or
 *       {@code =} (Qwen3.5's XML tool format): reasoning before it, content from it, each null when empty;</li>
 *   <li>else all of it is reasoning, content null: thinking was on and the output stopped before {@code </think>}
 *       (an output with neither tag included, and the empty output, whose reasoning is {@code ""}).</li>
 * </ol>
 *
 * <p>{@link #stream} emits reasoning and content as they become certain. With thinking on, concatenating a stream's
 * deltas gives exactly {@code extract}'s parts (null read as empty) for every output whose first {@code <think>}, if
 * any, comes before any other non-whitespace text, however the output is cut into deltas. Holding text back is what
 * buys that: a possible partial tag, whitespace before a possible {@code <think>}, a {@code <tool_call>} until what
 * follows it shows whether it opens a function, and, when it does, everything after it until {@code </think>} or the
 * end (a later {@code </think>} makes the tool call reasoning after all, by rule 2). A {@code <think>} after other
 * text stays literal text in the stream, where {@code extract} would drop all text before it; vLLM's own streaming
 * differs there too. With {@code enable_thinking=false} the stream passes everything through as content, as vLLM's
 * server does once the prompt ends its reasoning ({@code <think>\n\n</think>\n\n}), without calling the parser; that
 * agrees with {@code extract} for every output without {@code <think>} or {@code </think>}.
 */
public final class Qwen3ReasoningParser implements ReasoningParser {
    static final String THINK = "<think>";
    static final String END_THINK = "</think>";
    static final String TOOL_CALL = "<tool_call>";
    private static final String FUNCTION = "<function";

    private final boolean thinkingEnabled;

    /** Thinking on, Qwen3's default. */
    public Qwen3ReasoningParser() {
        this(true);
    }

    public Qwen3ReasoningParser(boolean thinkingEnabled) {
        this.thinkingEnabled = thinkingEnabled;
    }

    public boolean thinkingEnabled() {
        return thinkingEnabled;
    }

    /**
     * Thinking is off only where {@code enable_thinking} is present and false in Python's sense (vLLM reads
     * {@code kwargs.get("enable_thinking", True)} and tests its truth): {@code false}, {@code null}, {@code 0},
     * {@code ""}, an empty list or map.
     */
    @Override
    public Qwen3ReasoningParser withChatTemplateKwargs(Map<String, ?> kwargs) {
        if (kwargs == null || !kwargs.containsKey("enable_thinking")) {
            return thinkingEnabled ? this : new Qwen3ReasoningParser(true);
        }
        boolean enabled = switch (kwargs.get("enable_thinking")) {
            case null -> false;
            case Boolean b -> b;
            case Number n -> n.doubleValue() != 0;
            case String s -> !s.isEmpty();
            case Collection<?> c -> !c.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            default -> true;
        };
        return enabled == thinkingEnabled ? this : new Qwen3ReasoningParser(enabled);
    }

    @Override
    public Split extract(String output) {
        int think = output.indexOf(THINK);
        String text = think >= 0 ? output.substring(think + THINK.length()) : output;
        int end = text.indexOf(END_THINK);
        if (end >= 0) {
            return new Split(text.substring(0, end), PyText.emptyToNull(text.substring(end + END_THINK.length())));
        }
        if (!thinkingEnabled) {
            return new Split(null, text);
        }
        int call = text.indexOf(TOOL_CALL);
        if (call >= 0 && opensFunction(text.substring(call + TOOL_CALL.length()), true) == Verdict.YES) {
            return new Split(PyText.emptyToNull(text.substring(0, call)), text.substring(call));
        }
        return new Split(text, null);
    }

    @Override
    public Stream stream() {
        return thinkingEnabled ? new Qwen3ReasoningStream() : new PassThrough();
    }

    enum Verdict { YES, NO, UNDECIDED }

    /**
     * Whether the text after a {@code <tool_call>} opens a function: vLLM's
     * {@code re.match(r"<function[\s=]", after.lstrip())}. Until the text after the whitespace is long enough to
     * tell, the answer is {@link Verdict#UNDECIDED}, unless {@code complete} says no more text will come.
     */
    static Verdict opensFunction(String after, boolean complete) {
        String rest = PyText.lstrip(after);
        if (rest.length() > FUNCTION.length()) {
            char next = rest.charAt(FUNCTION.length());
            return rest.startsWith(FUNCTION) && (next == '=' || PyText.isSpace(next)) ? Verdict.YES : Verdict.NO;
        }
        return FUNCTION.startsWith(rest) && !complete ? Verdict.UNDECIDED : Verdict.NO;
    }

    /** Thinking off: the prompt already closed the thinking block, so every delta is content. */
    private static final class PassThrough implements Stream {
        @Override
        public Delta push(String textDelta) {
            return new Delta("", textDelta);
        }

        @Override
        public Delta finish() {
            return Delta.EMPTY;
        }
    }
}
