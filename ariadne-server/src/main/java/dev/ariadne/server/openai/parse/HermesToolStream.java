package dev.ariadne.server.openai.parse;

import dev.ariadne.server.openai.parse.ToolCallParser.CallDelta;
import dev.ariadne.server.openai.parse.ToolCallParser.Delta;
import dev.ariadne.server.openai.parse.ToolCallParser.ToolCall;

import java.util.ArrayList;
import java.util.List;

import static dev.ariadne.server.openai.parse.HermesToolParser.CLOSE;
import static dev.ariadne.server.openai.parse.HermesToolParser.OPEN;

/**
 * {@link HermesToolParser}'s extraction as content arrives:
 * <pre>
 *   TEXT ──("&lt;tool_call&gt;")──▶ CALL ──(block parses)──▶ BETWEEN ──("&lt;tool_call&gt;")──▶ CALL ...
 *                                  └──(block does not parse)──▶ RAW
 * </pre>
 * TEXT emits content, holding back a trailing partial {@code <tool_call>}. CALL holds the block until its
 * {@code </tool_call>} (or the end of the content, for an unterminated last block), then emits the whole call in one
 * delta: index, id, type, name and the arguments serialized as {@code extract} serializes them, so a client that
 * concatenates argument pieces gets exactly {@code extract}'s string. BETWEEN drops text, as {@code extract} keeps
 * only the text before the first block. A block that does not parse sends the stream to RAW: the block and
 * everything after it become content, as {@code extract} returns the whole text when any block fails.
 *
 * <p>So concatenated content equals {@code extract}'s content (null read as empty) and the calls equal its calls,
 * for every split into deltas, except where a block that parses comes before one that does not: the earlier calls
 * are out by then, where {@code extract} returns none.
 */
final class HermesToolStream implements ToolCallParser.Stream {
    private enum Phase { TEXT, CALL, BETWEEN, RAW }

    private final HermesToolParser parser;
    private final StringBuilder held = new StringBuilder();
    private Phase phase = Phase.TEXT;
    private int calls;

    HermesToolStream(HermesToolParser parser) {
        this.parser = parser;
    }

    @Override
    public Delta push(String contentDelta) {
        if (phase == Phase.RAW) {
            return new Delta(contentDelta, List.of());
        }
        held.append(contentDelta);
        return drain(false);
    }

    @Override
    public Delta finish() {
        return phase == Phase.RAW ? Delta.EMPTY : drain(true);
    }

    private Delta drain(boolean atEnd) {
        StringBuilder content = new StringBuilder();
        List<CallDelta> out = new ArrayList<>();
        while (true) {
            if (phase == Phase.TEXT || phase == Phase.BETWEEN) {
                int open = held.indexOf(OPEN);
                int upTo = open >= 0 ? open : held.length() - (atEnd ? 0 : PyText.partialTagOverlap(held, OPEN));
                if (phase == Phase.TEXT) {
                    content.append(held, 0, upTo);
                }
                held.delete(0, open >= 0 ? open + OPEN.length() : upTo);
                if (open < 0) {
                    break;
                }
                phase = Phase.CALL;
            } else if (phase == Phase.CALL) {
                int close = held.indexOf(CLOSE);
                if (close < 0 && !atEnd) {
                    break;
                }
                ToolCall call = parser.parseCall(close >= 0 ? held.substring(0, close) : held.toString());
                if (call == null) {
                    content.append(OPEN).append(held);
                    held.setLength(0);
                    phase = Phase.RAW;
                    break;
                }
                out.add(new CallDelta(calls++, call.id(), "function", call.name(), call.argumentsJson()));
                held.delete(0, close >= 0 ? close + CLOSE.length() : held.length());
                phase = Phase.BETWEEN;
            } else {
                break;
            }
        }
        return new Delta(content.toString(), out);
    }
}
