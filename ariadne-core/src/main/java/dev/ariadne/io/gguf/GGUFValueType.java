package dev.ariadne.io.gguf;

/** Metadata value types of the GGUF format, with their on-disk ids. */
public enum GGUFValueType {
    UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64;

    public static GGUFValueType byId(int id) {
        GGUFValueType[] all = values();
        return id >= 0 && id < all.length ? all[id] : null;
    }
}
