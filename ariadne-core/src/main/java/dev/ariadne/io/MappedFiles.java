package dev.ariadne.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Maps a whole file read-only as one {@link MemorySegment} (no 2 GiB limit) and hands it to a parser. */
public final class MappedFiles {
    private MappedFiles() {
    }

    /** Builds a reader over a mapping; it owns the arena from then on. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(Path path, Arena arena, MemorySegment file);
    }

    /**
     * Maps {@code path} in a new shared arena and passes it to {@code reader}; if reading fails, the mapping is
     * released before the error propagates, and I/O errors become a {@link ModelFileException} naming the file.
     */
    public static <T> T open(Path path, Reader<T> reader) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return reader.read(path, arena, seg);
        } catch (IOException e) {
            arena.close();
            throw new ModelFileException(path + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }
}
