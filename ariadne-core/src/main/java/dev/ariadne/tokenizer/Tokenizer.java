package dev.ariadne.tokenizer;

/**
 * Text to token ids and back. Implementations are immutable and thread-safe: one instance serves every request.
 * Get one from {@link Tokenizers}.
 */
public interface Tokenizer {

    /**
     * The token ids of {@code text}.
     *
     * @param addSpecial   add the BOS (and EOS) tokens where the tokenizer says so ({@link #addBos()})
     * @param parseSpecial turn control tokens written in the text ({@code <|im_start|>}) into their ids; without it
     *                     they are tokenized as plain text. User-defined tokens ({@code <think>}) are matched either way.
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /** The token table: texts, types, special ids, decoded bytes. */
    Vocabulary vocabulary();

    /** A short description for logs: kind, pre-tokenizer, vocabulary size, source file. */
    String describe();

    /** The text of {@code ids} without control tokens (see {@link Vocabulary#decode(int[], boolean)}). */
    default String decode(int[] ids) {
        return vocabulary().decode(ids, false);
    }

    /** The text of {@code ids}; with {@code renderSpecial}, control tokens appear as their text. */
    default String decode(int[] ids, boolean renderSpecial) {
        return vocabulary().decode(ids, renderSpecial);
    }

    /** The bytes one token stands for (control tokens: their text); a fresh array. */
    default byte[] tokenBytes(int id) {
        return vocabulary().pieceBytes(id);
    }

    default int vocabSize() {
        return vocabulary().size();
    }

    /** The BOS id, or -1 if the vocabulary has none. */
    default int bosId() {
        return vocabulary().bosId();
    }

    /** The EOS id, or -1 if the vocabulary has none. */
    default int eosId() {
        return vocabulary().eosId();
    }

    /** Whether {@code encode(text, true, ...)} puts BOS first. */
    default boolean addBos() {
        return vocabulary().addBos();
    }

    default boolean isControl(int id) {
        return vocabulary().isControl(id);
    }

    /** Whether generating this token ends the generation (EOS, {@code <|im_end|>}, {@code <|endoftext|>}, ...). */
    default boolean isEndOfGeneration(int id) {
        return vocabulary().isEndOfGeneration(id);
    }

    default int[] endOfGenerationIds() {
        return vocabulary().endOfGenerationIds();
    }
}
