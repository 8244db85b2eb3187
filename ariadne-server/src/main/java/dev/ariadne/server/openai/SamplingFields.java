package dev.ariadne.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ariadne.sample.SamplingParams;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The sampling part of a chat or completion request, read and checked once: OpenAI's fields plus vLLM's extras
 * ({@code top_k}, {@code min_p}, {@code repetition_penalty}, {@code ignore_eos}, {@code stop_token_ids}).
 *
 * @param maxTokens    {@code max_completion_tokens} or {@code max_tokens}; null: whatever the context leaves
 * @param seed         null: a random seed per choice; else choice i uses seed + i (vLLM's parallel sampling)
 * @param logprobs     top logprobs per token (0: only the sampled token's), -1 for none
 * @param includeUsage {@code stream_options.include_usage}
 */
record SamplingFields(float temperature, float topP, int topK, float minP, float repetitionPenalty,
                      float presencePenalty, float frequencyPenalty, Long seed, Integer maxTokens, List<String> stop,
                      int[] stopTokenIds, boolean ignoreEos, int logprobs, int n, boolean stream,
                      boolean includeUsage) {

    /** Reads the fields; {@code logprobs} is parsed by the caller, since chat and completions spell it apart. */
    static SamplingFields read(JsonNode o, int logprobs, int maxN) {
        long maxTokens = Fields.integer(o, "max_completion_tokens",
                Fields.integer(o, "max_tokens", -1, 1, Integer.MAX_VALUE), 1, Integer.MAX_VALUE);
        JsonNode streamOptions = Fields.object(o, "stream_options");
        boolean stream = Fields.bool(o, "stream", false);
        if (streamOptions != null && !stream) {
            throw ApiError.badRequest("'stream_options' is only allowed when 'stream' is true", "stream_options");
        }
        boolean includeUsage = streamOptions != null && Fields.bool(streamOptions, "include_usage", false);
        return new SamplingFields(
                (float) Fields.number(o, "temperature", 1.0, 0, Double.MAX_VALUE),
                (float) Fields.number(o, "top_p", 1.0, Double.MIN_VALUE, 1),
                (int) Fields.integer(o, "top_k", 0, -1, Integer.MAX_VALUE),
                (float) Fields.number(o, "min_p", 0, 0, 1),
                (float) Fields.number(o, "repetition_penalty", 1, Double.MIN_VALUE, Double.MAX_VALUE),
                (float) Fields.number(o, "presence_penalty", 0, -2, 2),
                (float) Fields.number(o, "frequency_penalty", 0, -2, 2),
                Fields.has(o, "seed") ? Fields.integer(o, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE) : null,
                maxTokens < 0 ? null : (int) maxTokens, stops(o), tokenIds(o, "stop_token_ids"),
                Fields.bool(o, "ignore_eos", false), logprobs, (int) Fields.integer(o, "n", 1, 1, maxN), stream,
                includeUsage);
    }

    /** {@code stop}: a string or an array of up to 16 non-empty strings. */
    private static List<String> stops(JsonNode o) {
        if (!Fields.has(o, "stop")) return List.of();
        JsonNode s = o.get("stop");
        List<String> out = new ArrayList<>();
        if (s.isTextual()) {
            out.add(s.asText());
        } else if (s.isArray()) {
            for (JsonNode x : s) {
                if (!x.isTextual()) throw ApiError.badRequest("'stop' must be a string or an array of strings", "stop");
                out.add(x.asText());
            }
        } else {
            throw ApiError.badRequest("'stop' must be a string or an array of strings, found " + Fields.kind(s), "stop");
        }
        for (String x : out) {
            if (x.isEmpty()) throw ApiError.badRequest("'stop' strings must not be empty", "stop");
        }
        return out;
    }

    private static int[] tokenIds(JsonNode o, String f) {
        JsonNode a = Fields.array(o, f);
        if (a == null) return new int[0];
        int[] ids = new int[a.size()];
        for (int i = 0; i < ids.length; i++) {
            if (!a.get(i).canConvertToInt() || !a.get(i).isIntegralNumber()) {
                throw ApiError.badRequest("'" + f + "' must hold integers", f);
            }
            ids[i] = a.get(i).asInt();
        }
        return ids;
    }

    /**
     * The engine's parameters for choice {@code choice}, generating at most {@code maxTokens}, ending on the model's
     * end-of-generation ids (unless {@code ignore_eos}) and on {@code stop_token_ids}.
     */
    SamplingParams forChoice(int choice, int maxTokens, int[] endOfGeneration) {
        int[] stopIds = ignoreEos ? stopTokenIds : concat(endOfGeneration, stopTokenIds);
        long s = seed != null ? seed + choice : ThreadLocalRandom.current().nextLong();
        try {
            return new SamplingParams(temperature, topP, topK <= 0 ? 0 : topK, s, maxTokens, stopIds, ignoreEos)
                    .withMinP(minP).withPenalties(repetitionPenalty, presencePenalty, frequencyPenalty)
                    .withLogprobs(logprobs).withStop(stop);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
