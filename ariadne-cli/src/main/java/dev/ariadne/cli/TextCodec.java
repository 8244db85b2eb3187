package dev.ariadne.cli;

import dev.ariadne.engine.LLM;

/** Interim: ids only until the tokenizer lands. */
final class TextCodec {
    private final LLM llm;

    private TextCodec(LLM llm) {
        this.llm = llm;
    }

    static TextCodec forModel(LLM llm) {
        return new TextCodec(llm);
    }

    int[] encodePrompt(String text) {
        throw new IllegalArgumentException("text prompts need a tokenizer; pass --prompt-ids");
    }

    int[] encodeDocument(String text) {
        throw new IllegalArgumentException("text needs a tokenizer");
    }

    int bosForChunks() {
        return llm.modelConfig().bosId();
    }

    int[] stopTokenIds() {
        int eos = llm.modelConfig().eosId();
        return eos >= 0 ? new int[] {eos} : new int[0];
    }

    Stream stream() {
        return new Stream();
    }

    static final class Stream {
        private final StringBuilder text = new StringBuilder();

        String add(int token) {
            return "";
        }

        String finish() {
            return "";
        }

        String text() {
            return text.toString();
        }
    }
}
