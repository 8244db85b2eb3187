package dev.ariadne.tensor;

import dev.ariadne.quant.RowKernel;

import java.lang.foreign.MemorySegment;

/**
 * A linear layer's weight matrix {@code W [rows = out_features, cols = in_features]} in its stored format, with the
 * row kernel that reads it: {@code y[r] = sum_c W[r][c] * x[c]}. Row {@code r} starts at byte {@code r * rowBytes}.
 */
public record Linear(String name, GGMLType type, RowKernel kernel, MemorySegment data, int rows, int cols,
                     long rowBytes) {

    public static Linear of(WeightTensor t, RowKernel kernel) {
        return new Linear(t.name(), t.type(), kernel, t.data(), t.rowCount(), t.rowLength(), t.rowBytes());
    }

    public long rowOffset(int row) {
        return row * rowBytes;
    }

    public long byteSize() {
        return rows * rowBytes;
    }
}
