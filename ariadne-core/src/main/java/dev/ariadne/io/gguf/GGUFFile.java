package dev.ariadne.io.gguf;

import dev.ariadne.io.MappedFiles;
import dev.ariadne.io.ModelFileException;
import dev.ariadne.tensor.GGMLType;

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
 * A GGUF file (versions 2 and 3, little-endian) mapped whole as one {@link MemorySegment}; files over 2 GiB work.
 *
 * <pre>
 * magic "GGUF" | u32 version | u64 n_tensors | u64 n_kv
 * n_kv x (string key, u32 type, value)                 metadata
 * n_tensors x (string name, u32 n_dims, u64 ne[n_dims], u32 type, u64 offset)
 * padding to general.alignment (default 32)
 * tensor data; each tensor at data_start + offset
 * </pre>
 *
 * Metadata values are boxed scalars ({@code Long} for every integer type, {@code Float}, {@code Double},
 * {@code Boolean}, {@code String}) or arrays ({@code long[]} for integers, {@code float[]}, {@code double[]},
 * {@code boolean[]}, {@code String[]}, {@code Object[]} for arrays of arrays).
 */
public final class GGUFFile implements AutoCloseable {
    private static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final int version;
    private final Map<String, Object> metadata;
    private final Map<String, GGUFTensorInfo> tensors;
    private final long dataStart;
    private final int alignment;

    private GGUFFile(Path path, Arena arena, MemorySegment file) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        Cursor c = new Cursor();
        if (file.byteSize() < 24) {
            throw error("file is " + file.byteSize() + " bytes, too short for a GGUF header");
        }
        int magic = file.get(U32, 0);
        if (magic != MAGIC) {
            throw error(String.format("not a GGUF file (magic 0x%08x, expected 0x%08x \"GGUF\")", magic, MAGIC));
        }
        c.pos = 4;
        version = c.u32();
        if (version != 2 && version != 3) {
            throw error("GGUF version " + version + " is not supported (expected 2 or 3)");
        }
        long tensorCount = c.u64();
        long kvCount = c.u64();
        if (tensorCount < 0 || tensorCount > 1_000_000 || kvCount < 0 || kvCount > 1_000_000) {
            throw error("implausible header: " + tensorCount + " tensors, " + kvCount + " metadata entries");
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = c.string("metadata key #" + i);
            int typeId = c.u32();
            GGUFValueType type = GGUFValueType.byId(typeId);
            if (type == null) {
                throw error("metadata '" + key + "' has unknown value type " + typeId);
            }
            meta.put(key, c.value(type, key));
        }
        this.metadata = Collections.unmodifiableMap(meta);
        Object align = meta.getOrDefault("general.alignment", 32L);
        if (!(align instanceof Long a) || a <= 0 || (a & (a - 1)) != 0 || a > 1 << 20) {
            throw error("general.alignment must be a power of two, found " + align);
        }
        this.alignment = (int) (long) (Long) align;
        Map<String, GGUFTensorInfo> infos = new LinkedHashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            String name = c.string("tensor name #" + i);
            int nDims = c.u32();
            if (nDims < 1 || nDims > 4) {
                throw error("tensor '" + name + "' has " + nDims + " dimensions (expected 1 to 4)");
            }
            long[] ne = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                ne[d] = c.u64();
                if (ne[d] <= 0) {
                    throw error("tensor '" + name + "' has dimension " + d + " of size " + ne[d]);
                }
            }
            int typeId = c.u32();
            GGMLType type = GGMLType.byId(typeId);
            if (type == null) {
                throw error("tensor '" + name + "' has unknown ggml type " + typeId);
            }
            long offset = c.u64();
            if (ne[0] % type.blockSize != 0) {
                throw error("tensor '" + name + "' of type " + type + " has rows of " + ne[0]
                        + " values, not a multiple of the block size " + type.blockSize);
            }
            if (infos.put(name, new GGUFTensorInfo(name, ne, type, offset)) != null) {
                throw error("tensor '" + name + "' appears twice");
            }
        }
        this.tensors = Collections.unmodifiableMap(infos);
        this.dataStart = (c.pos + alignment - 1) / alignment * alignment;
        for (GGUFTensorInfo t : infos.values()) {
            long end = dataStart + t.offset() + t.byteSize();
            if (t.offset() < 0 || end > file.byteSize() || end < 0) {
                throw error("file is truncated: tensor '" + t.name() + "' (" + t.type() + " "
                        + java.util.Arrays.toString(t.ne()) + ", " + t.byteSize() + " bytes at data offset "
                        + t.offset() + ") ends at byte " + end + " but the file has " + file.byteSize() + " bytes");
            }
        }
    }

    /** Maps and parses {@code path}; the mapping lives until {@link #close()}. */
    public static GGUFFile open(Path path) {
        return MappedFiles.open(path, GGUFFile::new);
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    public int alignment() {
        return alignment;
    }

    public Map<String, Object> metadata() {
        return metadata;
    }

    public Map<String, GGUFTensorInfo> tensors() {
        return tensors;
    }

    public List<GGUFTensorInfo> tensorList() {
        return List.copyOf(tensors.values());
    }

    /** The bytes of one tensor, a slice of the file mapping (no copy). */
    public MemorySegment tensorData(GGUFTensorInfo t) {
        return file.asSlice(dataStart + t.offset(), t.byteSize());
    }

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    public String getString(String key) {
        return cast(key, String.class, require(key));
    }

    public String getString(String key, String fallback) {
        return has(key) ? getString(key) : fallback;
    }

    public long getLong(String key) {
        return cast(key, Long.class, require(key));
    }

    public int getInt(String key) {
        long v = getLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw error("metadata '" + key + "' = " + v + " does not fit an int");
        }
        return (int) v;
    }

    public int getInt(String key, int fallback) {
        return has(key) ? getInt(key) : fallback;
    }

    public float getFloat(String key, float fallback) {
        if (!has(key)) return fallback;
        Object v = metadata.get(key);
        if (v instanceof Float f) return f;
        if (v instanceof Double d) return d.floatValue();
        if (v instanceof Long l) return l;
        throw error("metadata '" + key + "' should be a number, found " + describe(v));
    }

    public boolean getBoolean(String key, boolean fallback) {
        return has(key) ? cast(key, Boolean.class, metadata.get(key)) : fallback;
    }

    public String[] getStringArray(String key) {
        return cast(key, String[].class, require(key));
    }

    public float[] getFloatArray(String key) {
        return cast(key, float[].class, require(key));
    }

    public long[] getLongArray(String key) {
        return cast(key, long[].class, require(key));
    }

    private Object require(String key) {
        Object v = metadata.get(key);
        if (v == null) {
            throw error("missing metadata key '" + key + "'");
        }
        return v;
    }

    private <T> T cast(String key, Class<T> type, Object v) {
        if (!type.isInstance(v)) {
            throw error("metadata '" + key + "' should be " + type.getSimpleName() + ", found " + describe(v));
        }
        return type.cast(v);
    }

    private static String describe(Object v) {
        return v == null ? "nothing" : v.getClass().getSimpleName() + " " + (v.getClass().isArray() ? "" : v);
    }

    ModelFileException error(String message) {
        return new ModelFileException(path + ": " + message);
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Reads the header sequentially, checking every read against the file size. */
    private final class Cursor {
        long pos;

        private void need(long bytes, String what) {
            if (bytes < 0 || pos + bytes > file.byteSize()) {
                throw error("file is truncated: " + what + " at byte " + pos + " needs " + bytes
                        + " bytes but the file has " + file.byteSize());
            }
        }

        int u32() {
            need(4, "a 32-bit field");
            int v = file.get(U32, pos);
            pos += 4;
            return v;
        }

        long u64() {
            need(8, "a 64-bit field");
            long v = file.get(U64, pos);
            pos += 8;
            return v;
        }

        String string(String what) {
            long len = u64();
            if (len < 0 || len > Integer.MAX_VALUE - 8) {
                throw error(what + " has an implausible length " + len);
            }
            need(len, what);
            byte[] bytes = file.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE);
            pos += len;
            return new String(bytes, StandardCharsets.UTF_8);
        }

        Object value(GGUFValueType type, String key) {
            return switch (type) {
                case UINT8 -> { need(1, key); yield (long) (file.get(ValueLayout.JAVA_BYTE, pos++) & 0xff); }
                case INT8 -> { need(1, key); yield (long) file.get(ValueLayout.JAVA_BYTE, pos++); }
                case UINT16 -> { need(2, key); long v = file.get(ValueLayout.JAVA_SHORT_UNALIGNED, pos) & 0xffff; pos += 2; yield v; }
                case INT16 -> { need(2, key); long v = file.get(ValueLayout.JAVA_SHORT_UNALIGNED, pos); pos += 2; yield v; }
                case UINT32 -> u32() & 0xffffffffL;
                case INT32 -> (long) u32();
                case FLOAT32 -> Float.intBitsToFloat(u32());
                case BOOL -> { need(1, key); yield file.get(ValueLayout.JAVA_BYTE, pos++) != 0; }
                case STRING -> string("metadata '" + key + "'");
                case UINT64, INT64 -> u64();
                case FLOAT64 -> Double.longBitsToDouble(u64());
                case ARRAY -> array(key);
            };
        }

        private Object array(String key) {
            int typeId = u32();
            GGUFValueType type = GGUFValueType.byId(typeId);
            if (type == null) {
                throw error("metadata '" + key + "' is an array of unknown type " + typeId);
            }
            long count = u64();
            if (count < 0 || count > Integer.MAX_VALUE - 8 || count > file.byteSize() - pos) {
                throw error("metadata '" + key + "' has an implausible array length " + count);
            }
            int n = (int) count;
            switch (type) {
                case STRING -> {
                    String[] out = new String[n];
                    for (int i = 0; i < n; i++) out[i] = string("metadata '" + key + "'[" + i + "]");
                    return out;
                }
                case FLOAT32 -> {
                    float[] out = new float[n];
                    for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat(u32());
                    return out;
                }
                case FLOAT64 -> {
                    double[] out = new double[n];
                    for (int i = 0; i < n; i++) out[i] = Double.longBitsToDouble(u64());
                    return out;
                }
                case BOOL -> {
                    boolean[] out = new boolean[n];
                    for (int i = 0; i < n; i++) out[i] = (Boolean) value(type, key);
                    return out;
                }
                case ARRAY -> {
                    Object[] out = new Object[n];
                    for (int i = 0; i < n; i++) out[i] = array(key);
                    return out;
                }
                default -> {
                    long[] out = new long[n];
                    for (int i = 0; i < n; i++) out[i] = (Long) value(type, key);
                    return out;
                }
            }
        }
    }
}
