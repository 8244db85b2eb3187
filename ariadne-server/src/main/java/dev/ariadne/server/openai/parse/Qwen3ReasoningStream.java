package dev.ariadne.server.openai.parse;

import dev.ariadne.server.openai.parse.Qwen3ReasoningParser.Verdict;
import dev.ariadne.server.openai.parse.ReasoningParser.Delta;

import static dev.ariadne.server.openai.parse.Qwen3ReasoningParser.END_THINK;
import static dev.ariadne.server.openai.parse.Qwen3ReasoningParser.THINK;
import static dev.ariadne.server.openai.parse.Qwen3ReasoningParser.TOOL_CALL;

/**
 * {@link Qwen3ReasoningParser}'s rules with thinking on, applied as text arrives. The output passes through three
 * phases:
 * <pre>
 *   START ──(whitespace + "&lt;think&gt;" dropped, or anything else kept)──▶ REASONING ──("&lt;/think&gt;")──▶ CONTENT
 * </pre>
 * In REASONING the first {@code <tool_call>} goes through its own states, since only the first one can end an
 * unclosed thinking block and only if a function opens after it:
 * <pre>
 *   NOT_SEEN ──("&lt;tool_call&gt;")──▶ PENDING ──(what follows opens a function)──▶ OPENS_FUNCTION
 *                                     └──(it does not)──▶ RULED_OUT
 * </pre>
 * {@code held} is the text not yet emitted; in REASONING it never holds a {@code </think>}, because that is acted
 * on as soon as it is complete.
 */
final class Qwen3ReasoningStream implements ReasoningParser.Stream {
    private enum Phase { START, REASONING, CONTENT }

    private enum FirstToolCall { NOT_SEEN, PENDING, OPENS_FUNCTION, RULED_OUT }

    private final StringBuilder held = new StringBuilder();
    private Phase phase = Phase.START;
    private FirstToolCall toolCall = FirstToolCall.NOT_SEEN;

    @Override
    public Delta push(String textDelta) {
        if (phase == Phase.CONTENT) {
            return new Delta("", textDelta);
        }
        held.append(textDelta);
        if (phase == Phase.START && !leaveStart(false)) {
            return Delta.EMPTY;
        }
        return reason(false);
    }

    @Override
    public Delta finish() {
        if (phase == Phase.START) {
            leaveStart(true);
        }
        return phase == Phase.CONTENT ? Delta.EMPTY : reason(true);
    }

    /**
     * Leaves START once the text shows whether the output opens with {@code <think>} (whitespace before it allowed,
     * and dropped with it, as {@code extract} drops everything up to the first {@code <think>}); false while the
     * held text could still become that.
     */
    private boolean leaveStart(boolean atEnd) {
        int spaces = 0;
        while (spaces < held.length() && PyText.isSpace(held.charAt(spaces))) {
            spaces++;
        }
        String rest = held.substring(spaces);
        if (rest.startsWith(THINK)) {
            held.delete(0, spaces + THINK.length());
        } else if (THINK.startsWith(rest) && !atEnd) {
            return false;
        }
        phase = Phase.REASONING;
        return true;
    }

    /** Emits what the held text makes certain, in REASONING; at the end everything left is decided. */
    private Delta reason(boolean atEnd) {
        int end = held.indexOf(END_THINK);
        if (end >= 0) {
            // Rule 2 comes first in extract: whatever came before the first </think>, tool calls included, was
            // reasoning.
            String reasoning = held.substring(0, end);
            String content = held.substring(end + END_THINK.length());
            held.setLength(0);
            phase = Phase.CONTENT;
            return new Delta(reasoning, content);
        }
        StringBuilder reasoning = new StringBuilder();
        if (toolCall == FirstToolCall.NOT_SEEN) {
            int call = held.indexOf(TOOL_CALL);
            if (call >= 0) {
                reasoning.append(held, 0, call);
                held.delete(0, call);
                toolCall = FirstToolCall.PENDING;
            }
        }
        if (toolCall == FirstToolCall.PENDING) {
            Verdict v = Qwen3ReasoningParser.opensFunction(held.substring(TOOL_CALL.length()), atEnd);
            toolCall = switch (v) {
                case YES -> FirstToolCall.OPENS_FUNCTION;
                case NO -> FirstToolCall.RULED_OUT;
                case UNDECIDED -> FirstToolCall.PENDING;
            };
        }
        if (toolCall == FirstToolCall.OPENS_FUNCTION && atEnd) {
            // No </think> came: the tool call ended the reasoning (rule 4).
            return new Delta(reasoning.toString(), take(held.length()));
        }
        int keep = atEnd ? 0 : switch (toolCall) {
            case PENDING, OPENS_FUNCTION -> held.length();
            case NOT_SEEN -> Math.max(PyText.partialTagOverlap(held, END_THINK),
                    PyText.partialTagOverlap(held, TOOL_CALL));
            case RULED_OUT -> PyText.partialTagOverlap(held, END_THINK);
        };
        reasoning.append(take(held.length() - keep));
        return new Delta(reasoning.toString(), "");
    }

    /** Removes and returns the first {@code n} held characters. */
    private String take(int n) {
        String out = held.substring(0, n);
        held.delete(0, n);
        return out;
    }
}
