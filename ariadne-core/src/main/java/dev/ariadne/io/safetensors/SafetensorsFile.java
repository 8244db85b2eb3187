package dev.ariadne.io.safetensors;

import dev.ariadne.io.MappedFiles;
import dev.ariadne.io.ModelFileException;
import dev.ariadne.json.JsonException;
import dev.ariadne.json.JsonObject;
import dev.ariadne.tensor.GGMLType;
import dev.ariadne.tensor.WeightTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One safetensors file mapped whole:
 * <pre>
 * u64 header_len | JSON header {name: {dtype, shape [out, in], data_offsets [begin, end]}, __metadata__} | data
 * </pre>
 * Shapes are row-major (slowest first); tensors are exposed with ggml's fastest-first {@code ne}.
 */
public final class SafetensorsFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final Map<String, WeightTensor> tensors;

    private SafetensorsFile(Path path, Arena arena, MemorySegment file) {
        this.path = path;
        this.arena = arena;
        if (file.byteSize() < 8) {
            throw error("file is " + file.byteSize() + " bytes, too short for a safetensors header");
        }
        long headerLen = file.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        if (headerLen <= 0 || headerLen > 100_000_000 || 8 + headerLen > file.byteSize()) {
            throw error("header length " + headerLen + " does not fit the file of " + file.byteSize() + " bytes"
                    + " (truncated or not a safetensors file)");
        }
        String json = new String(file.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        JsonObject header;
        try {
            header = JsonObject.parse(json, path + " header");
        } catch (JsonException e) {
            throw new ModelFileException(e.getMessage(), e);
        }
        long dataStart = 8 + headerLen;
        long dataSize = file.byteSize() - dataStart;
        Map<String, WeightTensor> out = new LinkedHashMap<>();
        for (String name : header.map().keySet()) {
            if (name.equals("__metadata__")) continue;
            try {
                JsonObject t = header.getObject(name);
                GGMLType type = dtype(name, t.getString("dtype"));
                List<Object> shape = t.getArray("shape");
                List<Object> offsets = t.getArray("data_offsets");
                long[] ne = new long[Math.max(1, shape.size())];
                ne[0] = 1;
                for (int i = 0; i < shape.size(); i++) {
                    ne[shape.size() - 1 - i] = ((Number) shape.get(i)).longValue();
                }
                long begin = ((Number) offsets.get(0)).longValue();
                long end = ((Number) offsets.get(1)).longValue();
                long expected = type.bytesFor(product(ne));
                if (end - begin != expected) {
                    throw error("tensor '" + name + "' " + t.getString("dtype") + " " + shape + " should take "
                            + expected + " bytes but data_offsets span " + (end - begin));
                }
                if (begin < 0 || end > dataSize) {
                    throw error("file is truncated: tensor '" + name + "' ends at data byte " + end
                            + " but the data section has " + dataSize + " bytes");
                }
                out.put(name, new WeightTensor(name, type, ne, file.asSlice(dataStart + begin, end - begin),
                        path.toString()));
            } catch (JsonException | ClassCastException | IndexOutOfBoundsException e) {
                throw error("malformed header entry for tensor '" + name + "': " + e.getMessage());
            }
        }
        this.tensors = Collections.unmodifiableMap(out);
    }

    private static long product(long[] ne) {
        long n = 1;
        for (long d : ne) n *= d;
        return n;
    }

    private GGMLType dtype(String name, String dtype) {
        return switch (dtype) {
            case "F32" -> GGMLType.F32;
            case "F16" -> GGMLType.F16;
            case "BF16" -> GGMLType.BF16;
            default -> throw error("tensor '" + name + "' has dtype " + dtype
                    + ", unsupported (expected F32, F16 or BF16)");
        };
    }

    public static SafetensorsFile open(Path path) {
        return MappedFiles.open(path, SafetensorsFile::new);
    }

    public Map<String, WeightTensor> tensors() {
        return tensors;
    }

    public Path path() {
        return path;
    }

    private ModelFileException error(String message) {
        return new ModelFileException(path + ": " + message);
    }

    @Override
    public void close() {
        arena.close();
    }
}
