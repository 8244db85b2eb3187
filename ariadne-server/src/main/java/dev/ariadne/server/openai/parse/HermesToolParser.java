package dev.ariadne.server.openai.parse;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * vLLM's {@code --tool-call-parser hermes} ({@code Hermes2ProToolParser} in
 * {@code vllm/tool_parsers/hermes_tool_parser.py}, formerly under {@code vllm/entrypoints/openai/tool_parsers/}; its
 * non-streaming path is the same in the older and the 2026 versions read, and is what this follows). A call is a
 * JSON object {@code {"name": ..., "arguments": ...}} between {@code <tool_call>} and {@code </tool_call>}, the
 * format of Hermes 2 Pro, Qwen2.5 and Qwen3. {@link #extract} does what vLLM's does:
 * <ul>
 *   <li>no {@code <tool_call>} in the content: no calls, the content unchanged (even when empty);</li>
 *   <li>else every block is taken as vLLM's regex {@code <tool_call>(.*?)</tool_call>|<tool_call>(.*)} finds
 *       them: up to the first {@code </tool_call>} after its start, or, for the last one, unterminated, to the end
 *       of the content (generation stopped after the JSON);</li>
 *   <li>each block must be, after {@code json.loads}, an object with a string {@code "name"} and an
 *       {@code "arguments"} of any JSON type, serialized again with {@code json.dumps(arguments,
 *       ensure_ascii=False)} (see {@link PythonJson}); if any block fails, vLLM's {@code except} path applies: no
 *       calls at all, the whole content returned as content;</li>
 *   <li>with calls, the content is the text before the first {@code <tool_call>}, null when empty; text between
 *       and after blocks is dropped.</li>
 * </ul>
 * Ids are vLLM's {@code chatcmpl-tool-} and the hex of a random version-4 UUID, drawn from the generator given.
 *
 * <p>Left out on purpose: vLLM's open proposals (PR #48353, reading the JSON to its real end so a literal
 * {@code </tool_call>} inside a string survives; PR #54964, passing through arguments the model already serialized
 * as a string); and vLLM's progressive streaming of arguments as raw model text, which differs from the serialized
 * arguments {@code extract} returns. {@link HermesToolStream} emits a call whole when its block closes instead.
 */
public final class HermesToolParser implements ToolCallParser {
    static final String OPEN = "<tool_call>";
    static final String CLOSE = "</tool_call>";

    private final RandomGenerator random;

    /** Ids from a {@link SecureRandom}, as vLLM's come from {@code uuid4}. */
    public HermesToolParser() {
        this(new SecureRandom());
    }

    /** Ids from {@code random}: seed it for deterministic ids; it must be thread-safe if the parser is shared. */
    public HermesToolParser(RandomGenerator random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public Extracted extract(String content) {
        int first = content.indexOf(OPEN);
        if (first < 0) {
            return new Extracted(content, List.of());
        }
        List<ToolCall> calls = new ArrayList<>();
        for (int open = first; open >= 0; ) {
            int body = open + OPEN.length();
            int close = content.indexOf(CLOSE, body);
            ToolCall call = parseCall(close >= 0 ? content.substring(body, close) : content.substring(body));
            if (call == null) {
                return new Extracted(content, List.of());
            }
            calls.add(call);
            open = close >= 0 ? content.indexOf(OPEN, close + CLOSE.length()) : -1;
        }
        return new Extracted(PyText.emptyToNull(content.substring(0, first)), calls);
    }

    @Override
    public Stream stream() {
        return new HermesToolStream(this);
    }

    /**
     * One block's text as a call, or null where vLLM's extraction raises: not JSON, not an object, no
     * {@code "name"} or no {@code "arguments"} key ({@code KeyError}), a name that is not a string (pydantic
     * refuses it for {@code FunctionCall.name}).
     */
    ToolCall parseCall(String json) {
        Object value;
        try {
            value = PythonJson.loads(json);
        } catch (JsonProcessingException e) {
            return null;
        }
        if (!(value instanceof Map<?, ?> call) || !(call.get("name") instanceof String name)
                || !call.containsKey("arguments")) {
            return null;
        }
        return new ToolCall(newId(), name, PythonJson.dumps(call.get("arguments")));
    }

    /** {@code "chatcmpl-tool-" + uuid.uuid4().hex}: 32 hex digits with the version (4) and variant bits set. */
    private String newId() {
        long high = random.nextLong() & ~0xF000L | 0x4000L;
        long low = random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        HexFormat hex = HexFormat.of();
        return "chatcmpl-tool-" + hex.toHexDigits(high) + hex.toHexDigits(low);
    }
}
