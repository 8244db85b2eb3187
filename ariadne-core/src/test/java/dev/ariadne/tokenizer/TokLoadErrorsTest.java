package dev.ariadne.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unusable tokenizer files fail with an IllegalArgumentException that names the file and what is wrong. */
class TokLoadErrorsTest {
    @TempDir
    Path dir;

    @Test
    void missingFiles() {
        Path nowhere = dir.resolve("nope.gguf");
        assertMessage(() -> Tokenizers.fromGGUF(nowhere), nowhere + ": no such file");
        assertMessage(() -> Tokenizers.fromTokenizerJson(dir), dir + ": no tokenizer.json in this directory");
        assertMessage(() -> Tokenizers.load(dir.resolve("x.json")), "x.json: no such file");
    }

    @Test
    void notAGgufFile() throws IOException {
        Path f = Files.writeString(dir.resolve("bad.gguf"), "not a gguf file at all, just text");
        assertMessage(() -> Tokenizers.fromGGUF(f), "bad.gguf: not a GGUF file");
    }

    @Test
    void ggufWithoutOrWithUnsupportedTokenizer() throws IOException {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("general.architecture", "llama");
        Path none = writeGguf("none.gguf", meta);
        assertMessage(() -> Tokenizers.fromGGUF(none), "none.gguf: has no tokenizer");

        meta.put("tokenizer.ggml.model", "bert");
        meta.put("tokenizer.ggml.tokens", new String[] {"a", "b"});
        Path bert = writeGguf("bert.gguf", meta);
        assertMessage(() -> Tokenizers.fromGGUF(bert), "bert.gguf: tokenizer model 'bert' is not supported");

        meta.put("tokenizer.ggml.model", "gpt2");
        meta.put("tokenizer.ggml.pre", "klingon");
        meta.put("tokenizer.ggml.merges", new String[] {"a b"});
        Path pre = writeGguf("pre.gguf", meta);
        assertMessage(() -> Tokenizers.fromGGUF(pre), "pre.gguf: pre-tokenizer 'klingon'");

        meta.put("tokenizer.ggml.pre", "qwen2");
        meta.remove("tokenizer.ggml.merges");
        Path noMerges = writeGguf("nomerges.gguf", meta);
        assertMessage(() -> Tokenizers.fromGGUF(noMerges), "'tokenizer.ggml.merges' is missing");

        meta.put("tokenizer.ggml.merges", new String[] {"a b"});
        Tokenizer ok = Tokenizers.fromGGUF(writeGguf("ok.gguf", meta));
        assertEquals(2, ok.vocabSize());
        assertEquals(-1, ok.bosId());
    }

    @Test
    void badTokenizerJson() throws IOException {
        Path broken = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": ");
        assertMessage(() -> Tokenizers.fromTokenizerJson(dir), broken + ": bad JSON");

        Files.writeString(broken, "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}");
        assertMessage(() -> Tokenizers.fromTokenizerJson(broken), "model type 'WordPiece' is not supported");

        Files.writeString(broken, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []},"
                + " \"pre_tokenizer\": {\"type\": \"Metaspace\"}}");
        assertMessage(() -> Tokenizers.fromTokenizerJson(broken), "pre-tokenizer 'Metaspace' is not supported");

        Files.writeString(broken, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}}");
        assertMessage(() -> Tokenizers.fromTokenizerJson(broken), "missing field 'merges'");

        Files.writeString(broken, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}}");
        assertMessage(() -> Tokenizers.fromTokenizerJson(broken), "only byte-level BPE is supported");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable load, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, load);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should contain '"
                + expected + "'");
    }

    /** A metadata-only GGUF v3 file: strings and string arrays are enough here. */
    private Path writeGguf(String name, Map<String, Object> meta) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(le(4).putInt(3).array());
        out.writeBytes(le(8).putLong(0).array());
        out.writeBytes(le(8).putLong(meta.size()).array());
        for (Map.Entry<String, Object> e : meta.entrySet()) {
            writeString(out, e.getKey());
            if (e.getValue() instanceof String s) {
                out.writeBytes(le(4).putInt(8).array());
                writeString(out, s);
            } else {
                String[] arr = (String[]) e.getValue();
                out.writeBytes(le(4).putInt(9).array());
                out.writeBytes(le(4).putInt(8).array());
                out.writeBytes(le(8).putLong(arr.length).array());
                for (String s : arr) writeString(out, s);
            }
        }
        return Files.write(dir.resolve(name), out.toByteArray());
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(le(8).putLong(b.length).array());
        out.writeBytes(b);
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
