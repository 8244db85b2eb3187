package dev.ariadne.memory;

import dev.ariadne.io.ModelFileException;
import dev.ariadne.io.gguf.GGUFFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a plan's model comes from: a {@code config.json} (or a folder holding one), sized from its hyperparameters,
 * or a GGUF file, sized from its actual tensors. {@code ggufTensors} is null for a config.
 */
public record PlannedModel(String description, ModelShape shape, List<PlannedTensor> ggufTensors) {

    public boolean isGguf() {
        return ggufTensors != null;
    }

    public static PlannedModel load(Path path) {
        if (Files.isDirectory(path)) {
            Path config = path.resolve("config.json");
            if (!Files.isRegularFile(config)) {
                throw new ModelFileException(path + ": no config.json in this folder (pass a config.json or a .gguf)");
            }
            path = config;
        }
        if (!Files.isRegularFile(path)) {
            throw new ModelFileException(path + ": no such file");
        }
        if (path.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gguf")) {
            try (GGUFFile gguf = GGUFFile.open(path)) {
                ModelShape shape = GgufShapeReader.read(gguf);
                return new PlannedModel(path.toString(), shape, GgufTensors.of(gguf, shape));
            }
        }
        return new PlannedModel(path.toString(), HfConfigReader.read(path), null);
    }
}
