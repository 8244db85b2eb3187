package dev.ariadne.tokenizer;

import dev.ariadne.testing.SharedKit;

/**
 * The kit's tokenizers, each loaded once per test JVM (the 151k-token Qwen3 vocabulary takes a moment) and shared by
 * the test classes: tokenizers are immutable and thread-safe.
 */
final class KitTokenizers {
    private KitTokenizers() {
    }

    static Tokenizer qwen3Gguf() {
        return Qwen3Gguf.INSTANCE;
    }

    static Tokenizer qwen3Json() {
        return Qwen3Json.INSTANCE;
    }

    static Tokenizer stories260K() {
        return Stories.INSTANCE;
    }

    private static final class Qwen3Gguf {
        static final Tokenizer INSTANCE =
                Tokenizers.fromGGUF(SharedKit.file("models/qwen3-chat/qwen3-chat-Q8_0.gguf"));
    }

    private static final class Qwen3Json {
        static final Tokenizer INSTANCE = Tokenizers.fromTokenizerJson(SharedKit.file("tokenizers/qwen3"));
    }

    private static final class Stories {
        static final Tokenizer INSTANCE =
                Tokenizers.fromGGUF(SharedKit.file("models/stories260K/stories260K.gguf"));
    }
}
