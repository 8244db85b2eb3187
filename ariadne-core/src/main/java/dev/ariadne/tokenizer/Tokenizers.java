package dev.ariadne.tokenizer;

import dev.ariadne.io.ModelFileException;
import dev.ariadne.io.gguf.GGUFFile;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where tokenizers come from: GGUF metadata or a Hugging Face tokenizer.json. Every failure is an
 * {@link IllegalArgumentException} whose message names the file and says what is wrong.
 */
public final class Tokenizers {
    private Tokenizers() {
    }

    /** The tokenizer described by a GGUF file's {@code tokenizer.ggml.*} metadata. */
    public static Tokenizer fromGGUF(GGUFFile gguf) {
        return GgufTokenizerLoader.load(gguf);
    }

    /** Opens a GGUF file (a model or a vocabulary-only file), reads its tokenizer and closes it again. */
    public static Tokenizer fromGGUF(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(path + ": no such file");
        }
        try (GGUFFile gguf = GGUFFile.open(path)) {
            return fromGGUF(gguf);
        } catch (ModelFileException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A tokenizer.json, or a model directory holding one (tokenizer_config.json beside it is read too). */
    public static Tokenizer fromTokenizerJson(Path path) {
        return TokenizerJsonLoader.load(path);
    }

    /** A {@code .gguf} file, a tokenizer.json, or a directory holding a tokenizer.json. */
    public static Tokenizer load(Path path) {
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".gguf")) {
            return fromGGUF(path);
        }
        return fromTokenizerJson(path);
    }
}
