package dev.ariadne.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ariadne.sample.SamplingParams;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A JSONL batch for {@code generate --batch-file}: one request per line, {@code prompt} (text) or
 * {@code prompt_ids}, plus optional sampling fields with vLLM's names ({@code max_tokens, temperature, top_p, top_k,
 * min_p, repetition_penalty, presence_penalty, frequency_penalty, seed, ignore_eos, stop, logprobs}). Fields a line leaves out take the command's
 * flags. Blank lines are skipped; any other malformed line is an error naming its line number.
 *
 * <pre>
 * {"prompt": "Once upon a time", "max_tokens": 32, "temperature": 0, "seed": 7}
 * {"prompt_ids": [1, 15, 27], "max_tokens": 8}
 * </pre>
 */
final class BatchFile {
    private static final Set<String> FIELDS = Set.of("prompt", "prompt_ids", "max_tokens", "temperature", "top_p",
            "top_k", "min_p", "repetition_penalty", "presence_penalty", "frequency_penalty", "seed", "ignore_eos",
            "stop", "logprobs");

    /** One line: the prompt's ids and its sampling parameters. */
    record Item(int[] promptIds, SamplingParams params) {
    }

    private BatchFile() {
    }

    static List<Item> read(Path file, SamplingParams defaults, TextCodec codec) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<Item> items = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty()) continue;
            String where = file + " line " + (n + 1) + ": ";
            JsonNode o;
            try {
                o = mapper.readTree(line);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(where + "not valid JSON (" + e.getOriginalMessage() + ")");
            }
            try {
                items.add(item(o, defaults, codec, n));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage());
            }
        }
        if (items.isEmpty()) throw new IllegalArgumentException(file + " holds no requests");
        return items;
    }

    private static Item item(JsonNode o, SamplingParams d, TextCodec codec, int lineIndex) {
        if (!o.isObject()) throw new IllegalArgumentException("expected a JSON object");
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) throw new IllegalArgumentException("unknown field '" + f + "' (known: " + FIELDS + ")");
        }
        int[] ids;
        if (o.has("prompt") == o.has("prompt_ids")) {
            throw new IllegalArgumentException("give exactly one of prompt and prompt_ids");
        } else if (o.has("prompt")) {
            if (!o.get("prompt").isTextual()) throw new IllegalArgumentException("prompt must be a string");
            ids = codec.encodePrompt(o.get("prompt").asText());
        } else {
            JsonNode a = o.get("prompt_ids");
            if (!a.isArray() || a.isEmpty()) throw new IllegalArgumentException("prompt_ids must be a non-empty array");
            ids = new int[a.size()];
            for (int i = 0; i < ids.length; i++) {
                if (!a.get(i).canConvertToInt()) throw new IllegalArgumentException("prompt_ids must hold integers");
                ids[i] = a.get(i).asInt();
            }
        }
        SamplingParams p = new SamplingParams(
                (float) number(o, "temperature", d.temperature()), (float) number(o, "top_p", d.topP()),
                (int) integer(o, "top_k", d.topK()), integer(o, "seed", d.seed() + lineIndex),
                (int) integer(o, "max_tokens", d.maxTokens()), d.stopTokenIds(),
                o.has("ignore_eos") ? bool(o, "ignore_eos") : d.ignoreEos())
                .withMinP((float) number(o, "min_p", d.minP()))
                .withPenalties((float) number(o, "repetition_penalty", d.repetitionPenalty()),
                        (float) number(o, "presence_penalty", d.presencePenalty()),
                        (float) number(o, "frequency_penalty", d.frequencyPenalty()))
                .withLogprobs((int) integer(o, "logprobs", d.logprobs()))
                .withStop(stops(o, d.stop()));
        return new Item(ids, p);
    }

    /** {@code stop}: a string or an array of strings (the OpenAI API accepts both). */
    private static List<String> stops(JsonNode o, List<String> dflt) {
        if (!o.has("stop")) return dflt;
        JsonNode s = o.get("stop");
        if (s.isTextual()) return List.of(s.asText());
        if (!s.isArray()) throw new IllegalArgumentException("stop must be a string or an array of strings");
        List<String> out = new ArrayList<>();
        for (JsonNode x : s) {
            if (!x.isTextual()) throw new IllegalArgumentException("stop must be a string or an array of strings");
            out.add(x.asText());
        }
        return out;
    }

    private static double number(JsonNode o, String f, double dflt) {
        if (!o.has(f)) return dflt;
        if (!o.get(f).isNumber()) throw new IllegalArgumentException(f + " must be a number");
        return o.get(f).asDouble();
    }

    private static long integer(JsonNode o, String f, long dflt) {
        if (!o.has(f)) return dflt;
        if (!o.get(f).canConvertToLong()) throw new IllegalArgumentException(f + " must be an integer");
        return o.get(f).asLong();
    }

    private static boolean bool(JsonNode o, String f) {
        if (!o.get(f).isBoolean()) throw new IllegalArgumentException(f + " must be true or false");
        return o.get(f).asBoolean();
    }
}
