package dev.ariadne.tokenizer;

/**
 * The kind of a vocabulary entry. The ordinals are the ids GGUF's {@code tokenizer.ggml.token_type} uses (llama.cpp's
 * {@code llama_token_type}).
 *
 * <ul>
 *   <li>{@link #CONTROL}: special tokens such as {@code <|im_start|>}; written text turns into them only when the
 *       caller asks to parse special tokens, and they decode to nothing unless rendered on purpose.</li>
 *   <li>{@link #USER_DEFINED}: added tokens such as {@code <think>}; matched in all text and always decoded.</li>
 *   <li>{@link #BYTE}: SentencePiece byte-fallback tokens {@code <0xNN>}.</li>
 *   <li>{@link #UNUSED}: padding entries ({@code [PAD151669]}); never produced, decode to nothing.</li>
 * </ul>
 */
public enum TokenType {
    UNDEFINED, NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE;

    private static final TokenType[] ALL = values();

    /** The type for a GGUF token-type id; ids outside 0..6 are {@link #UNDEFINED}, as in llama.cpp. */
    public static TokenType fromGGUF(long id) {
        return id >= 0 && id < ALL.length ? ALL[(int) id] : UNDEFINED;
    }

    /** Tokens that the special-token splitter looks for in text (llama.cpp's special-token cache). */
    boolean isSplitCandidate() {
        return this == CONTROL || this == USER_DEFINED || this == UNKNOWN;
    }

    /** Tokens hidden when decoding without rendering special tokens. */
    boolean isHiddenByDefault() {
        return this == CONTROL || this == UNKNOWN;
    }
}
