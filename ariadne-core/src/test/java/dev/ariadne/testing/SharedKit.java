package dev.ariadne.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The reference kit in {@code ../shared} (models, llama.cpp reference outputs, configs). Tests read it in place and
 * never skip: a missing file fails the test with its path.
 */
public final class SharedKit {
    private SharedKit() {
    }

    /** The shared directory: the {@code ariadne.shared} system property (set by the build), else ../shared. */
    public static Path root() {
        String prop = System.getProperty("ariadne.shared");
        Path root = prop != null ? Path.of(prop) : Path.of("..", "shared");
        if (!Files.isDirectory(root)) {
            root = Path.of("..", "..", "shared");
        }
        if (!Files.isDirectory(root)) {
            throw new AssertionError("the reference kit ../shared is missing (looked at " + prop + " and ../shared)");
        }
        return root.toAbsolutePath().normalize();
    }

    /** A file of the kit, which must exist. */
    public static Path file(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            throw new AssertionError("reference kit file missing: " + p);
        }
        return p;
    }

    public static String read(String relative) {
        try {
            return Files.readString(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
