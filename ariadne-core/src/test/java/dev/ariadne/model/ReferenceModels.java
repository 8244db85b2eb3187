package dev.ariadne.model;

import dev.ariadne.config.EngineConfig;
import dev.ariadne.engine.LLM;
import dev.ariadne.testing.Reference;
import dev.ariadne.testing.SharedKit;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Loads the kit's models once per test class and picks the reference runs the core issue checks. */
final class ReferenceModels implements AutoCloseable {
    private final Map<String, LLM> loaded = new HashMap<>();

    /**
     * The engine for {@code model} (a kit-relative path) with the given KV cache dtype, 2 threads, and a context of
     * 1024 tokens whatever the model states, as the reference runs had (n_ctx 1024).
     */
    LLM get(String model, String kvDType) {
        return loaded.computeIfAbsent(model + "|" + kvDType, k -> {
            Path p = SharedKit.file(model);
            return LLM.load(EngineConfig.defaults(p).withThreads(2).withKvCacheDType(kvDType)
                    .withMaxModelLen(1024, true));
        });
    }

    @Override
    public void close() {
        loaded.values().forEach(LLM::close);
        loaded.clear();
    }

    /** Dense llama / qwen2 / qwen3 / stories260K runs: F32 against kv_f32, other types against main. */
    static Stream<Reference.Entry> denseRuns() {
        List<Reference.Entry> all = Reference.entries();
        return all.stream()
                .filter(e -> e.logitsFile() != null)
                .filter(e -> e.model().startsWith("models/llama/") || e.model().startsWith("models/qwen2/")
                        || e.model().startsWith("models/qwen3/") || e.model().startsWith("models/stories260K/"))
                .filter(e -> !e.model().contains("yarn"))
                .filter(e -> isF32(e) ? e.variant().equals("kv_f32") : e.variant().equals("main"));
    }

    /**
     * The GGUF runs of the models under {@code dir} (e.g. "models/qwen3moe/"): F32 against kv_f32, other types against
     * main; fails unless each of {@code types} has its three prompts (p7, p64, p300) in index.json.
     */
    static Stream<Reference.Entry> ggufRuns(String dir, List<String> types) {
        List<Reference.Entry> out = Reference.entries().stream()
                .filter(e -> e.logitsFile() != null && e.model().startsWith(dir) && e.model().endsWith(".gguf"))
                .filter(e -> isF32(e) ? e.variant().equals("kv_f32") : e.variant().equals("main"))
                .toList();
        for (String type : types) {
            long n = out.stream().filter(e -> weightType(e).equals(type)).count();
            if (n != 3) throw new AssertionError(n + " reference runs of " + dir + " " + type + " in index.json, not 3");
        }
        return out.stream();
    }

    static boolean isF32(Reference.Entry e) {
        return e.model().endsWith("-F32.gguf") || e.model().contains("stories260K");
    }

    /** The weight type named in a kit file name (F32 for stories260K). */
    static String weightType(Reference.Entry e) {
        if (e.model().contains("stories260K")) return "F32";
        String stem = e.stem();
        return stem.substring(stem.indexOf('-') + 1);
    }

    /** The core issue's bound on the mean |Δlogit| per weight type (F32 is bounded by its max instead). */
    static double meanBound(String type) {
        return switch (type) {
            case "F32" -> 1e-3;
            case "F16" -> 0.003;
            case "BF16" -> 0.01;
            case "Q8_0" -> 0.03;
            case "Q6_K" -> 0.08;
            case "Q4_0", "Q4_K_M" -> 0.15;
            default -> throw new AssertionError("no bound for weight type " + type);
        };
    }
}
