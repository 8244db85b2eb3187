package dev.ariadne.io;

import dev.ariadne.io.gguf.GGUFFile;
import dev.ariadne.io.gguf.GGUFTensorInfo;
import dev.ariadne.io.gguf.GGUFValueType;
import dev.ariadne.tensor.GGMLType;
import dev.ariadne.testing.GGUFWriter;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GGUFFileTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {2, 3})
    void readsEveryMetadataTypeAndArrays(int version) {
        Path p = new GGUFWriter().version(version)
                .kv("u8", GGUFValueType.UINT8, 200)
                .kv("i8", GGUFValueType.INT8, -5)
                .kv("u16", GGUFValueType.UINT16, 60000)
                .kv("i16", GGUFValueType.INT16, -30000)
                .kv("u32", GGUFValueType.UINT32, 4294967295L)
                .kv("i32", GGUFValueType.INT32, -7)
                .kv("f32", GGUFValueType.FLOAT32, 1.5f)
                .kv("bool", GGUFValueType.BOOL, true)
                .kv("str", GGUFValueType.STRING, "héllo")
                .kv("u64", GGUFValueType.UINT64, 1L << 40)
                .kv("i64", GGUFValueType.INT64, -(1L << 40))
                .kv("f64", GGUFValueType.FLOAT64, 2.25)
                .array("strings", GGUFValueType.STRING, new String[] {"a", "", "▁b"})
                .array("ints", GGUFValueType.INT32, new int[] {1, -2, 3})
                .array("floats", GGUFValueType.FLOAT32, new float[] {0.5f, -1f})
                .array("bools", GGUFValueType.BOOL, new boolean[] {true, false})
                .array("doubles", GGUFValueType.FLOAT64, new double[] {1e300})
                .f32Tensor("t", new float[] {1, 2, 3, 4, 5, 6}, 3, 2)
                .write(tmp.resolve("all.gguf"));
        try (GGUFFile f = GGUFFile.open(p)) {
            assertEquals(version, f.version());
            assertEquals(200L, f.metadata().get("u8"));
            assertEquals(-5L, f.metadata().get("i8"));
            assertEquals(60000L, f.metadata().get("u16"));
            assertEquals(-30000L, f.metadata().get("i16"));
            assertEquals(4294967295L, f.getLong("u32"));
            assertEquals(-7, f.getInt("i32"));
            assertEquals(1.5f, f.getFloat("f32", 0));
            assertTrue(f.getBoolean("bool", false));
            assertEquals("héllo", f.getString("str"));
            assertEquals(1L << 40, f.getLong("u64"));
            assertEquals(-(1L << 40), f.getLong("i64"));
            assertEquals(2.25, (Double) f.metadata().get("f64"));
            assertArrayEquals(new String[] {"a", "", "▁b"}, f.getStringArray("strings"));
            assertArrayEquals(new long[] {1, -2, 3}, f.getLongArray("ints"));
            assertArrayEquals(new float[] {0.5f, -1f}, f.getFloatArray("floats"));
            assertArrayEquals(new boolean[] {true, false}, (boolean[]) f.metadata().get("bools"));
            assertArrayEquals(new double[] {1e300}, (double[]) f.metadata().get("doubles"));
            GGUFTensorInfo t = f.tensors().get("t");
            assertArrayEquals(new long[] {3, 2}, t.ne());
            assertEquals(6f, f.tensorData(t).getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 5));
        }
    }

    @Test
    void honoursGeneralAlignment() {
        Path p = new GGUFWriter().alignment(64)
                .f32Tensor("a", new float[] {1, 2, 3}, 3)
                .f32Tensor("b", new float[] {7, 8}, 2)
                .write(tmp.resolve("aligned.gguf"));
        try (GGUFFile f = GGUFFile.open(p)) {
            assertEquals(64, f.alignment());
            assertEquals(64, f.tensors().get("b").offset());
            assertEquals(8f, f.tensorData(f.tensors().get("b")).getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 1));
        }
    }

    @Test
    void readsTheKitsModelsAndTheirMetadata() {
        try (GGUFFile f = GGUFFile.open(SharedKit.file("models/qwen3-chat/qwen3-chat-Q8_0.gguf"))) {
            assertEquals("qwen3", f.getString("general.architecture"));
            assertEquals(151936, f.getStringArray("tokenizer.ggml.tokens").length);
            assertEquals(GGMLType.Q8_0, f.tensors().get("blk.0.attn_q.weight").type());
        }
    }

    @Test
    void rejectsBadMagicVersionAndTruncationWithTheFileName() throws Exception {
        Path notGguf = tmp.resolve("not.gguf");
        java.nio.file.Files.writeString(notGguf, "this is not a model file at all");
        var e = assertThrows(ModelFileException.class, () -> GGUFFile.open(notGguf));
        assertTrue(e.getMessage().contains("not.gguf") && e.getMessage().contains("not a GGUF file"), e.getMessage());

        Path v1 = new GGUFWriter().version(1).write(tmp.resolve("v1.gguf"));
        e = assertThrows(ModelFileException.class, () -> GGUFFile.open(v1));
        assertTrue(e.getMessage().contains("version 1"), e.getMessage());

        byte[] full = new GGUFWriter().f32Tensor("w", new float[64], 8, 8).bytes();
        Path cut = tmp.resolve("cut.gguf");
        java.nio.file.Files.write(cut, java.util.Arrays.copyOf(full, full.length - 100));
        e = assertThrows(ModelFileException.class, () -> GGUFFile.open(cut));
        assertTrue(e.getMessage().contains("cut.gguf") && e.getMessage().contains("truncated")
                && e.getMessage().contains("'w'"), e.getMessage());

        Path header = tmp.resolve("header.gguf");
        java.nio.file.Files.write(header, java.util.Arrays.copyOf(full, 30));
        e = assertThrows(ModelFileException.class, () -> GGUFFile.open(header));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        Path empty = tmp.resolve("empty.gguf");
        java.nio.file.Files.write(empty, new byte[0]);
        e = assertThrows(ModelFileException.class, () -> GGUFFile.open(empty));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());
    }

    @Test
    void rejectsUnknownTensorTypes() {
        Path p = tmp.resolve("unknown-type.gguf");
        byte[] bytes = new GGUFWriter().tensor("w", GGMLType.F32, new byte[16], 4).bytes();
        // The tensor type field sits right after name (8 + 1 bytes), n_dims (4) and ne (8) in the tensor table.
        int typeAt = 24 + 8 + 1 + 4 + 8;
        bytes[typeAt] = 99;
        try {
            java.nio.file.Files.write(p, bytes);
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        var e = assertThrows(ModelFileException.class, () -> GGUFFile.open(p));
        assertTrue(e.getMessage().contains("unknown ggml type 99") && e.getMessage().contains("'w'"),
                e.getMessage());
    }
}
