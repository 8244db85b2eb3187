package dev.ariadne.kv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The swap tier's bytes: a memory-mapped file of {@code slots} blocks, each holding one KV block of every layer
 * (K then V per layer, {@code 2 * layers * layerBlockBytes}). The file is created sparse in a temporary directory
 * and deleted on close; the OS pages it between memory and disk. Blocks of a preempted request are copied out here
 * and back into fresh blocks when it resumes, instead of being recomputed.
 *
 * <pre>
 * slot s, layer l: K at s * slotBytes + 2 * l * layerBlockBytes, V right after it
 * </pre>
 */
public final class SwapSpace implements AutoCloseable {
    private final PagedKvStorage storage;
    private final long layerBlockBytes, slotBytes;
    private final long rowsPerLayer; // 2 (K, V), or 1 when values are read from the key rows (latent attention)
    private final int slots;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment file;
    private final Path path;

    public SwapSpace(PagedKvStorage storage, long bytes, Path directory) {
        this.storage = storage;
        this.layerBlockBytes = storage.layerBlockBytes();
        this.slotBytes = storage.blockBytesAllLayers();
        this.rowsPerLayer = storage.sharesValues() ? 1 : 2;
        this.slots = (int) Math.min(Integer.MAX_VALUE, bytes / slotBytes);
        if (slots < 1) {
            throw new IllegalArgumentException("--swap-space of " + bytes + " bytes holds no KV block of "
                    + slotBytes + " bytes");
        }
        try {
            Files.createDirectories(directory);
            path = Files.createTempFile(directory, "ariadne-swap-", ".kv");
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE)) {
                file = ch.map(FileChannel.MapMode.READ_WRITE, 0, slots * slotBytes, arena);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the swap file in " + directory, e);
        }
    }

    public int slots() {
        return slots;
    }

    public Path path() {
        return path;
    }

    /** Copies block {@code block} of every layer into swap slot {@code slot}. */
    public void copyOut(int block, int slot) {
        long base = slot * slotBytes;
        long from = block * layerBlockBytes;
        for (int l = 0; l < storage.numLayers(); l++) {
            long at = base + rowsPerLayer * l * layerBlockBytes;
            MemorySegment.copy(storage.keys(l), from, file, at, layerBlockBytes);
            if (!storage.sharesValues()) {
                MemorySegment.copy(storage.values(l), from, file, at + layerBlockBytes, layerBlockBytes);
            }
        }
    }

    /** Copies swap slot {@code slot} back into block {@code block} of every layer. */
    public void copyIn(int slot, int block) {
        long base = slot * slotBytes;
        long to = block * layerBlockBytes;
        for (int l = 0; l < storage.numLayers(); l++) {
            long at = base + rowsPerLayer * l * layerBlockBytes;
            MemorySegment.copy(file, at, storage.keys(l), to, layerBlockBytes);
            if (!storage.sharesValues()) {
                MemorySegment.copy(file, at + layerBlockBytes, storage.values(l), to, layerBlockBytes);
            }
        }
    }

    @Override
    public void close() {
        arena.close();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // DELETE_ON_CLOSE already removed it on most systems
        }
    }
}
