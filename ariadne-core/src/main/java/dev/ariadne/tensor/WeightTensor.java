package dev.ariadne.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A stored weight tensor: its values in {@code type}, memory-mapped from the model file (or, for dummy weights,
 * in an off-heap arena). {@code ne} lists dimensions fastest-first as in ggml: a linear weight is
 * {@code ne = [in, out]}, out rows of in contiguous values, the same bytes as a PyTorch {@code [out, in]} tensor.
 * {@code origin} names the file it came from, for error messages.
 */
public record WeightTensor(String name, GGMLType type, long[] ne, MemorySegment data, String origin) {

    public long elementCount() {
        long n = 1;
        for (long d : ne) n *= d;
        return n;
    }

    /** Length of one row (ne[0]). */
    public int rowLength() {
        return Math.toIntExact(ne[0]);
    }

    /** Number of rows (product of ne[1..]). */
    public int rowCount() {
        return Math.toIntExact(elementCount() / ne[0]);
    }

    public long rowBytes() {
        return type.bytesFor(ne[0]);
    }

    public String shapeString() {
        return Arrays.toString(ne);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + shapeString();
    }
}
