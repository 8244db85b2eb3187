package dev.ariadne.testing;

import dev.ariadne.io.gguf.GGUFValueType;
import dev.ariadne.tensor.GGMLType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes small GGUF files for reader and error-handling tests (any version, metadata type and alignment). */
public final class GGUFWriter {
    private record Kv(String key, GGUFValueType type, Object value, GGUFValueType elemType) {
    }

    private record Tensor(String name, long[] ne, GGMLType type, byte[] data) {
    }

    private final List<Kv> kvs = new ArrayList<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private int version = 3;
    private int alignment = 32;

    public GGUFWriter version(int v) {
        this.version = v;
        return this;
    }

    public GGUFWriter alignment(int a) {
        this.alignment = a;
        kvs.add(new Kv("general.alignment", GGUFValueType.UINT32, (long) a, null));
        return this;
    }

    public GGUFWriter kv(String key, GGUFValueType type, Object value) {
        kvs.add(new Kv(key, type, value, null));
        return this;
    }

    public GGUFWriter array(String key, GGUFValueType elemType, Object values) {
        kvs.add(new Kv(key, GGUFValueType.ARRAY, values, elemType));
        return this;
    }

    public GGUFWriter tensor(String name, GGMLType type, byte[] data, long... ne) {
        tensors.add(new Tensor(name, ne, type, data));
        return this;
    }

    public GGUFWriter f32Tensor(String name, float[] values, long... ne) {
        ByteBuffer bb = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) bb.putFloat(v);
        return tensor(name, GGMLType.F32, bb.array(), ne);
    }

    public byte[] bytes() {
        Out o = new Out();
        o.u32(0x46554747);
        o.u32(version);
        o.u64(tensors.size());
        o.u64(kvs.size());
        for (Kv kv : kvs) {
            o.str(kv.key);
            o.u32(kv.type.ordinal());
            if (kv.type == GGUFValueType.ARRAY) {
                o.u32(kv.elemType.ordinal());
                Object v = kv.value;
                int n = java.lang.reflect.Array.getLength(v);
                o.u64(n);
                for (int i = 0; i < n; i++) o.value(kv.elemType, java.lang.reflect.Array.get(v, i));
            } else {
                o.value(kv.type, kv.value);
            }
        }
        long offset = 0;
        List<Long> offsets = new ArrayList<>();
        for (Tensor t : tensors) {
            offsets.add(offset);
            offset += (t.data.length + alignment - 1) / alignment * alignment;
        }
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            o.str(t.name);
            o.u32(t.ne.length);
            for (long d : t.ne) o.u64(d);
            o.u32(t.type.id);
            o.u64(offsets.get(i));
        }
        while (o.size() % alignment != 0) o.buf.write(0);
        for (Tensor t : tensors) {
            o.buf.writeBytes(t.data);
            while (o.size() % alignment != 0) o.buf.write(0);
        }
        return o.buf.toByteArray();
    }

    public Path write(Path path) {
        try {
            Files.write(path, bytes());
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class Out {
        final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        int size() {
            return buf.size();
        }

        void le(long v, int bytes) {
            for (int i = 0; i < bytes; i++) buf.write((int) (v >>> (8 * i)) & 0xff);
        }

        void u32(long v) {
            le(v, 4);
        }

        void u64(long v) {
            le(v, 8);
        }

        void str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            buf.writeBytes(b);
        }

        void value(GGUFValueType type, Object v) {
            switch (type) {
                case UINT8, INT8 -> le(((Number) v).longValue(), 1);
                case UINT16, INT16 -> le(((Number) v).longValue(), 2);
                case UINT32, INT32 -> le(((Number) v).longValue(), 4);
                case UINT64, INT64 -> le(((Number) v).longValue(), 8);
                case FLOAT32 -> le(Float.floatToRawIntBits(((Number) v).floatValue()), 4);
                case FLOAT64 -> le(Double.doubleToRawLongBits(((Number) v).doubleValue()), 8);
                case BOOL -> le((Boolean) v ? 1 : 0, 1);
                case STRING -> str((String) v);
                case ARRAY -> throw new IllegalArgumentException("nested arrays: use array() of arrays");
            }
        }
    }
}
