package dev.ariadne.testing;

import dev.ariadne.json.Json;
import dev.ariadne.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The llama.cpp reference runs of {@code ../shared/reference/index.json} and their prompts. */
public final class Reference {
    private Reference() {
    }

    /** One reference run. */
    public record Entry(String model, String prompt, String variant, int nPrompt, int nVocab, String logitsFile,
                        int[] greedy, int[][] top5) {
        public String stem() {
            String file = model.substring(model.lastIndexOf('/') + 1);
            return file.substring(0, file.lastIndexOf('.'));
        }

        public int[] promptIds() {
            return Reference.promptIds(prompt);
        }

        /** Logits {@code [nPrompt][nVocab]}. */
        public float[][] logits() {
            try {
                byte[] bytes = Files.readAllBytes(SharedKit.file(logitsFile));
                ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                if (bytes.length != 4L * nPrompt * nVocab) {
                    throw new AssertionError(logitsFile + " has " + bytes.length + " bytes, expected "
                            + 4L * nPrompt * nVocab);
                }
                float[][] out = new float[nPrompt][nVocab];
                for (int i = 0; i < nPrompt; i++) {
                    for (int j = 0; j < nVocab; j++) out[i][j] = bb.getFloat();
                }
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String toString() {
            return stem() + "/" + prompt + "/" + variant;
        }
    }

    private static volatile List<Entry> entries;
    private static volatile JsonObject prompts;

    public static synchronized List<Entry> entries() {
        if (entries == null) {
            JsonObject index = JsonObject.parse(SharedKit.read("reference/index.json"), "index.json");
            List<Entry> out = new ArrayList<>();
            for (Object o : index.getArray("entries")) {
                @SuppressWarnings("unchecked")
                JsonObject e = new JsonObject((Map<String, Object>) o, "index.json entry");
                out.add(new Entry(e.getString("model"), e.getString("prompt"), e.getString("variant"),
                        e.getInt("n_prompt"), e.getInt("n_vocab"),
                        e.has("logits_file") ? e.getString("logits_file") : null,
                        ints(e.getArray("greedy_continuation")),
                        e.has("continuation_top5") ? intRows(e.getArray("continuation_top5")) : null));
            }
            entries = out;
        }
        return entries;
    }

    /** Token ids of a named prompt (numerics prompts p7, p64, p300, p900_yarn; stories zoo, once, story). */
    public static synchronized int[] promptIds(String name) {
        if (prompts == null) {
            prompts = JsonObject.parse(SharedKit.read("reference/prompts.json"), "prompts.json");
        }
        String key = name.equals("p900_yarn") ? "p900_yarn" : name;
        for (String section : prompts.map().keySet()) {
            Object s = prompts.raw(section);
            if (s instanceof Map<?, ?> m && m.containsKey(key)) {
                Object v = m.get(key);
                if (v instanceof List<?> l) return ints(l);
                if (v instanceof Map<?, ?> pm && pm.get("ids") instanceof List<?> ids) return ints(ids);
            }
        }
        throw new AssertionError("prompt " + name + " not found in prompts.json");
    }

    static int[] ints(List<?> list) {
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((Number) list.get(i)).intValue();
        return out;
    }

    static int[][] intRows(List<?> list) {
        int[][] out = new int[list.size()][];
        for (int i = 0; i < out.length; i++) out[i] = ints((List<?>) list.get(i));
        return out;
    }

    /** Parses any JSON file of the kit. */
    public static Object json(String relative) {
        return Json.parse(SharedKit.read(relative));
    }
}
