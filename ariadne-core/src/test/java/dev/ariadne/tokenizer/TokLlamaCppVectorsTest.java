package dev.ariadne.tokenizer;

import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * llama.cpp's tokenizer test vectors (tokenizers/llama.cpp-vocab, as test-tokenizer-0 runs them: no BOS, no special
 * parsing): every case of every supported vocabulary, ids equal; and decode(encode(x)) == x for each case.
 */
class TokLlamaCppVectorsTest {
    private static final String DIR = "tokenizers/llama.cpp-vocab/";
    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    @TestFactory
    Stream<DynamicTest> gpt2() {
        return vectors("ggml-vocab-gpt-2.gguf", ggufVocab("ggml-vocab-gpt-2.gguf"));
    }

    @TestFactory
    Stream<DynamicTest> llamaSpm() {
        return vectors("ggml-vocab-llama-spm.gguf", ggufVocab("ggml-vocab-llama-spm.gguf"));
    }

    @TestFactory
    Stream<DynamicTest> phi3() {
        return vectors("ggml-vocab-phi-3.gguf", ggufVocab("ggml-vocab-phi-3.gguf"));
    }

    @TestFactory
    Stream<DynamicTest> deepseekLlm() {
        return vectors("ggml-vocab-deepseek-llm.gguf", ggufVocab("ggml-vocab-deepseek-llm.gguf"));
    }

    @TestFactory
    Stream<DynamicTest> falcon() {
        return vectors("ggml-vocab-falcon.gguf", ggufVocab("ggml-vocab-falcon.gguf"));
    }

    @TestFactory
    Stream<DynamicTest> starcoder() {
        return vectors("ggml-vocab-starcoder.gguf", ggufVocab("ggml-vocab-starcoder.gguf"));
    }

    /** The qwen2 and deepseek-r1-qwen vectors run against the Qwen3 tokenizer (same vocabulary, tokenizers/README). */
    @TestFactory
    Stream<DynamicTest> qwen2AndDeepseekR1QwenOnQwen3() {
        return Stream.of("ggml-vocab-qwen2.gguf", "ggml-vocab-deepseek-r1-qwen.gguf").flatMap(name -> Stream.concat(
                vectors(name + " (qwen3 gguf)", KitTokenizers::qwen3Gguf, name),
                vectors(name + " (qwen3 tokenizer.json)", KitTokenizers::qwen3Json, name)));
    }

    private static Supplier<Tokenizer> ggufVocab(String file) {
        return new Supplier<>() {
            private Tokenizer tok;

            @Override
            public synchronized Tokenizer get() {
                if (tok == null) tok = Tokenizers.fromGGUF(SharedKit.file(DIR + file));
                return tok;
            }
        };
    }

    private static Stream<DynamicTest> vectors(String name, Supplier<Tokenizer> tok) {
        return vectors(name, tok, name);
    }

    private static Stream<DynamicTest> vectors(String label, Supplier<Tokenizer> tok, String file) {
        List<String> inputs = inputs(SharedKit.file(DIR + file + ".inp"));
        List<int[]> outputs = outputs(SharedKit.file(DIR + file + ".out"));
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest(label + " has 46 cases", () -> {
            assertEquals(46, inputs.size());
            assertEquals(46, outputs.size());
        }));
        for (int i = 0; i < inputs.size(); i++) {
            String text = inputs.get(i);
            int[] expected = outputs.get(i);
            String what = label + " #" + i + " " + TokQwen3ReferenceTest.abbreviate(text);
            tests.add(DynamicTest.dynamicTest(what, () -> assertArrayEquals(expected,
                    tok.get().encode(text, false, false), () -> "ids of " + what + ": got "
                            + Arrays.toString(tok.get().encode(text, false, false)))));
            tests.add(DynamicTest.dynamicTest(what + " round trip", () ->
                    assertEquals(text, tok.get().decode(tok.get().encode(text, false, false)))));
        }
        return tests.stream();
    }

    /** The cases of a .inp file: each is followed by the separator line. */
    static List<String> inputs(Path inp) {
        String all = read(inp);
        List<String> cases = new ArrayList<>(List.of(all.split(SEPARATOR, -1)));
        if (!cases.getLast().isEmpty()) {
            throw new AssertionError(inp + ": does not end with the separator");
        }
        cases.removeLast();
        return cases;
    }

    /** One line per case: the ids separated by spaces (an empty line for no ids). */
    static List<int[]> outputs(Path out) {
        List<int[]> ids = new ArrayList<>();
        for (String line : read(out).split("\n", -1)) {
            ids.add(line.isBlank() ? new int[0] : Arrays.stream(line.trim().split(" +")).mapToInt(Integer::parseInt)
                    .toArray());
        }
        if (ids.getLast().length == 0) ids.removeLast(); // the final newline
        return ids;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
