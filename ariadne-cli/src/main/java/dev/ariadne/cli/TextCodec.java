package dev.ariadne.cli;

import dev.ariadne.engine.LLM;
import dev.ariadne.tokenizer.IncrementalDecoder;
import dev.ariadne.tokenizer.Tokenizer;

/**
 * Text in and out of the engine for the CLI commands, with llama.cpp's conventions: a prompt is tokenized with the
 * model's special tokens added and control tokens parsed (llama-cli); a document for perplexity with special tokens
 * added but control text left as text (llama-perplexity); output streams through an incremental UTF-8-safe decoder.
 */
final class TextCodec {
    private final LLM llm;
    private final Tokenizer tokenizer; // null when the model has none

    private TextCodec(LLM llm, Tokenizer tokenizer) {
        this.llm = llm;
        this.tokenizer = tokenizer;
    }

    static TextCodec forModel(LLM llm) {
        return new TextCodec(llm, llm.tokenizer().orElse(null));
    }

    private Tokenizer require(String what) {
        if (tokenizer == null) {
            throw new IllegalArgumentException(llm.source().description() + " has no tokenizer, so " + what
                    + " cannot be tokenized; pass token ids instead (--prompt-ids)");
        }
        return tokenizer;
    }

    int[] encodePrompt(String text) {
        return require("--prompt").encode(text, true, true);
    }

    int[] encodeDocument(String text) {
        return require("the text").encode(text, true, false);
    }

    /** The token llama-perplexity puts first in every chunk: BOS where the tokenizer adds one, else none (-1). */
    int bosForChunks() {
        if (tokenizer != null) {
            return tokenizer.addBos() ? tokenizer.bosId() : -1;
        }
        return llm.modelConfig().bosId();
    }

    /** Tokens that end a generation: the tokenizer's end-of-generation set, else the model's EOS. */
    int[] stopTokenIds() {
        if (tokenizer != null) {
            return tokenizer.endOfGenerationIds();
        }
        int eos = llm.modelConfig().eosId();
        return eos >= 0 ? new int[] {eos} : new int[0];
    }

    Stream stream() {
        return new Stream(tokenizer != null ? new IncrementalDecoder(tokenizer) : null);
    }

    /** Streamed output text; without a tokenizer the text is empty and only ids are reported. */
    static final class Stream {
        private final IncrementalDecoder decoder;
        private final StringBuilder text = new StringBuilder();

        private Stream(IncrementalDecoder decoder) {
            this.decoder = decoder;
        }

        /** Adds a generated token; returns the text it completes (possibly empty). */
        String add(int token) {
            if (decoder == null) return "";
            String piece = decoder.push(token);
            text.append(piece);
            return piece;
        }

        /** Ends the stream; returns any held text. */
        String finish() {
            if (decoder == null) return "";
            String tail = decoder.flush();
            text.append(tail);
            return tail;
        }

        String text() {
            return text.toString();
        }
    }
}
