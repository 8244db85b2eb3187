package dev.ariadne.testing;

import dev.ariadne.quant.HalfFloats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a BF16 safetensors file whose tensors are mostly zero:
 * <pre>
 * u64 header_len | JSON header, space-padded to 8 bytes | data (tensors back to back, row-major)
 * </pre>
 * Only the non-zero runs are written; the rest of the file is left as a hole, which reads as zeros. A
 * [151936, 64] embedding with a few dozen non-zero rows so takes microseconds to write, not the 19 MB of a dense one.
 */
public final class SafetensorsWriter {
    /** {@code runs}: element offset (row-major) to the values starting there; every other element is zero. */
    private record Tensor(String name, long[] shape, TreeMap<Long, float[]> runs) {
        long elements() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
    }

    private final List<Tensor> tensors = new ArrayList<>();

    /** A dense tensor (norm weights); {@code shape} row-major, slowest first, as transformers writes it. */
    public SafetensorsWriter bf16(String name, float[] values, long... shape) {
        return bf16Sparse(name, Map.of(0L, values), shape);
    }

    /** A tensor that is zero except {@code runs} (element offset to the values written from there). */
    public SafetensorsWriter bf16Sparse(String name, Map<Long, float[]> runs, long... shape) {
        Tensor t = new Tensor(name, shape.clone(), new TreeMap<>(runs));
        long end = 0;
        for (Map.Entry<Long, float[]> run : t.runs.entrySet()) {
            if (run.getKey() < end || run.getKey() + run.getValue().length > t.elements()) {
                throw new IllegalArgumentException(name + ": run at element " + run.getKey() + " of length "
                        + run.getValue().length + " overlaps another or exceeds the " + t.elements() + " elements of "
                        + Arrays.toString(shape));
            }
            end = run.getKey() + run.getValue().length;
        }
        tensors.add(t);
        return this;
    }

    public void write(Path file) {
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long[] begins = new long[tensors.size()];
        long offset = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            begins[i] = offset;
            long bytes = 2 * t.elements();
            header.append(",\"").append(t.name).append("\":{\"dtype\":\"BF16\",\"shape\":[");
            for (int d = 0; d < t.shape.length; d++) header.append(d > 0 ? "," : "").append(t.shape[d]);
            header.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        // The format asks for the data to start 8-byte aligned; readers map it in place.
        while (header.length() % 8 != 0) header.append(' ');
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        long dataStart = 8 + json.length;
        long total = dataStart + offset;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer head = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(json.length).put(json).flip();
            writeFully(ch, head, 0);
            for (int i = 0; i < tensors.size(); i++) {
                for (Map.Entry<Long, float[]> run : tensors.get(i).runs.entrySet()) {
                    writeFully(ch, bf16(run.getValue()), dataStart + begins[i] + 2 * run.getKey());
                }
            }
            if (ch.size() < total) {
                // Extends the file to its full length; the bytes in between stay a hole.
                writeFully(ch, ByteBuffer.allocate(1), total - 1);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static ByteBuffer bf16(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putShort(HalfFloats.floatToBf16(v));
        return b.flip();
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        while (b.hasRemaining()) position += ch.write(b, position);
    }
}
