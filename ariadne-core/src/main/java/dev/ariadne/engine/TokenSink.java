package dev.ariadne.engine;

/** Receives each generated token as soon as it is sampled (streaming output). */
@FunctionalInterface
public interface TokenSink {
    TokenSink NONE = (index, token) -> { };

    void accept(int index, int token);
}
