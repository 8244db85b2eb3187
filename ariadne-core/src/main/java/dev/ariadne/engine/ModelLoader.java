package dev.ariadne.engine;

import dev.ariadne.io.ModelFileException;
import dev.ariadne.io.ModelSource;
import dev.ariadne.io.dummy.DummyModelSource;
import dev.ariadne.io.gguf.GGUFModelSource;
import dev.ariadne.io.hf.HFModelSource;
import dev.ariadne.tensor.GGMLType;
import dev.ariadne.tensor.ops.ComputePool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Opens {@code --model}: a GGUF file, a Hugging Face directory, or (with {@code --load-format dummy}) a config.json
 * or directory holding one, for random weights of that shape.
 */
public final class ModelLoader {
    private ModelLoader() {
    }

    public enum LoadFormat { AUTO, DUMMY }

    public static LoadFormat parseLoadFormat(String value) {
        return switch (value == null ? "auto" : value.toLowerCase(Locale.ROOT)) {
            case "auto", "gguf", "safetensors" -> LoadFormat.AUTO;
            case "dummy" -> LoadFormat.DUMMY;
            default -> throw new IllegalArgumentException("unsupported --load-format '" + value
                    + "' (expected auto or dummy)");
        };
    }

    public static ModelSource open(Path path, LoadFormat format, GGMLType dummyType, long seed, ComputePool pool) {
        if (!Files.exists(path)) {
            throw new ModelFileException(path + ": no such file or directory");
        }
        if (format == LoadFormat.DUMMY) {
            Path config = Files.isDirectory(path) ? path.resolve("config.json") : path;
            return DummyModelSource.create(config, dummyType, seed, pool);
        }
        if (Files.isDirectory(path)) {
            if (HFModelSource.isModelDirectory(path)) {
                return HFModelSource.open(path);
            }
            throw new ModelFileException(path + ": a directory without config.json is not a model directory");
        }
        if (path.getFileName().toString().equals("config.json")) {
            throw new ModelFileException(path + ": a config.json alone has no weights; use --load-format dummy for"
                    + " random weights of its shape, or pass the model directory");
        }
        return GGUFModelSource.open(path);
    }
}
