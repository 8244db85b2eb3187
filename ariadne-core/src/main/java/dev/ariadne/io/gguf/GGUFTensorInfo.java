package dev.ariadne.io.gguf;

import dev.ariadne.tensor.GGMLType;

import java.util.Arrays;

/**
 * One entry of a GGUF tensor table. {@code ne} lists dimensions fastest-first as ggml does: a linear weight with
 * {@code ne = [in, out]} is {@code out} rows of {@code in} contiguous values. {@code offset} is relative to the
 * start of the (aligned) tensor data section.
 */
public record GGUFTensorInfo(String name, long[] ne, GGMLType type, long offset) {

    public long elementCount() {
        long n = 1;
        for (long d : ne) n *= d;
        return n;
    }

    public long byteSize() {
        return type.bytesFor(elementCount());
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(ne);
    }
}
