package dev.ariadne.server.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ariadne.sample.SampleLogprobs;
import dev.ariadne.tokenizer.Tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Token logprobs in the two shapes of the OpenAI API. A token's text is its own bytes decoded alone (a piece of a
 * multi-byte character shows as U+FFFD, and {@code bytes} gives the exact bytes), as vLLM reports it.
 *
 * <pre>
 * chat:        {"content": [{"token", "logprob", "bytes", "top_logprobs": [{"token", "logprob", "bytes"}]}]}
 * completions: {"tokens": [..], "token_logprobs": [..], "top_logprobs": [{token: logprob}], "text_offset": [..]}
 * </pre>
 */
final class LogprobsJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final Tokenizer tokenizer;

    LogprobsJson(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    ObjectNode chat(List<SampleLogprobs> tokens) {
        ObjectNode o = F.objectNode();
        ArrayNode content = o.putArray("content");
        for (SampleLogprobs lp : tokens) {
            ObjectNode t = entry(lp.token(), lp.logprob());
            ArrayNode top = t.putArray("top_logprobs");
            int[] ids = lp.topIds();
            float[] lps = lp.topLogprobs();
            for (int i = 0; i < ids.length; i++) top.add(entry(ids[i], lps[i]));
            content.add(t);
        }
        return o;
    }

    private ObjectNode entry(int token, float logprob) {
        byte[] bytes = tokenizer.tokenBytes(token);
        ObjectNode t = F.objectNode();
        t.put("token", new String(bytes, StandardCharsets.UTF_8));
        t.put("logprob", finite(logprob));
        ArrayNode b = t.putArray("bytes");
        for (byte x : bytes) b.add(x & 0xff);
        return t;
    }

    /**
     * @param textOffset where the first of these tokens starts in the choice's text (for {@code text_offset})
     * @param topN       the request's {@code logprobs}: entries per {@code top_logprobs} map
     */
    ObjectNode completion(List<SampleLogprobs> tokens, int textOffset, int topN) {
        ObjectNode o = F.objectNode();
        ArrayNode toks = o.putArray("tokens");
        ArrayNode lps = o.putArray("token_logprobs");
        ArrayNode tops = o.putArray("top_logprobs");
        ArrayNode offsets = o.putArray("text_offset");
        int offset = textOffset;
        for (SampleLogprobs lp : tokens) {
            String text = new String(tokenizer.tokenBytes(lp.token()), StandardCharsets.UTF_8);
            toks.add(text);
            lps.add(finite(lp.logprob()));
            ObjectNode top = tops.addObject();
            int[] ids = lp.topIds();
            float[] v = lp.topLogprobs();
            for (int i = 0; i < ids.length && i < topN; i++) {
                top.put(new String(tokenizer.tokenBytes(ids[i]), StandardCharsets.UTF_8), finite(v[i]));
            }
            // vLLM puts the sampled token in the map too when it is outside the top N.
            top.putIfAbsent(text, F.numberNode(finite(lp.logprob())));
            offsets.add(offset);
            offset += text.length();
        }
        return o;
    }

    /** JSON has no -Infinity; vLLM clamps to -9999.0 the same way. */
    private static float finite(float v) {
        return Float.isFinite(v) ? v : -9999f;
    }
}
