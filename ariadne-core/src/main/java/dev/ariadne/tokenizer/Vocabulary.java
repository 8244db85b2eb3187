package dev.ariadne.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The token table shared by every tokenizer kind: the text of each token as the vocabulary stores it, its type, its
 * score, the bytes it decodes to, the special ids and the end-of-generation set. Immutable, so safe to share between
 * threads.
 *
 * <p>The decoded bytes follow llama.cpp's {@code token_to_piece} with special rendering on: control, unknown and
 * user-defined tokens decode to their text; normal tokens to their bytes (byte-level: GPT-2 byte mapping undone;
 * SentencePiece: {@code ▁} becomes a space); byte tokens {@code <0xNN>} to that byte; unused tokens to nothing.
 */
public final class Vocabulary {

    /** How normal tokens spell their bytes. */
    public enum PieceEncoding { BYTE_LEVEL, SENTENCEPIECE }

    /**
     * Texts that end generation, as llama.cpp recognizes them ({@code special_eog_ids}); the fill-in-the-middle
     * padding, repository and file-separator tokens are among them there too.
     */
    private static final Set<String> EOG_TEXTS = Set.of(
            "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<end_of_turn>", "<|endoftext|>",
            "<|eom_id|>", "<EOT>", "_<EOT>", "<|end_of_text|>", "<end_of_utterance>",
            "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>");

    private static final byte[] EMPTY = new byte[0];

    private final String source;
    private final String[] texts;
    private final TokenType[] types;
    private final float[] scores;
    private final Map<String, Integer> ids;
    private final byte[][] pieces;
    private final int bos;
    private final int eos;
    private final int eot;
    private final int unk;
    private final int pad;
    private final boolean addBos;
    private final boolean addEos;
    private final boolean addSpacePrefix;
    private final int[] eog;
    private final BitSet lstrip;
    private final BitSet rstrip;

    private Vocabulary(Builder b) {
        int n = b.texts.length;
        this.source = b.source;
        this.texts = b.texts.clone();
        this.types = b.types.clone();
        this.scores = b.scores != null ? b.scores.clone() : new float[n];
        this.ids = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            if (texts[i] == null || texts[i].isEmpty()) {
                texts[i] = "[EMPTY_" + i + "]"; // as llama.cpp does, so every token has a distinct text
            }
            ids.putIfAbsent(texts[i], i);
        }
        this.bos = inRange(b.bos, n);
        this.eos = inRange(b.eos, n);
        this.eot = inRange(b.eot, n);
        this.unk = inRange(b.unk, n);
        this.pad = inRange(b.pad, n);
        this.addBos = b.addBos && bos >= 0;
        this.addEos = b.addEos && eos >= 0;
        this.addSpacePrefix = b.addSpacePrefix;
        this.lstrip = (BitSet) b.lstrip.clone();
        this.rstrip = (BitSet) b.rstrip.clone();

        TreeSet<Integer> eogSet = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            if (EOG_TEXTS.contains(texts[i])) {
                eogSet.add(i);
                types[i] = TokenType.CONTROL; // llama.cpp overrides "control-looking" end tokens the same way
            }
        }
        if (eos >= 0) eogSet.add(eos);
        if (eot >= 0) eogSet.add(eot);
        for (int id : b.extraEog) {
            if (id >= 0 && id < n) eogSet.add(id);
        }
        this.eog = eogSet.stream().mapToInt(Integer::intValue).toArray();

        this.pieces = new byte[n][];
        for (int i = 0; i < n; i++) {
            pieces[i] = piece(texts[i], types[i], b.encoding);
        }
    }

    private static int inRange(int id, int n) {
        return id >= 0 && id < n ? id : -1;
    }

    private static byte[] piece(String text, TokenType type, PieceEncoding encoding) {
        return switch (type) {
            case CONTROL, UNKNOWN, USER_DEFINED -> text.getBytes(StandardCharsets.UTF_8);
            case NORMAL -> encoding == PieceEncoding.BYTE_LEVEL
                    ? ByteLevel.decode(text)
                    : text.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
            case BYTE -> byteTokenValue(text) >= 0 ? new byte[] {(byte) byteTokenValue(text)} : EMPTY;
            case UNUSED, UNDEFINED -> EMPTY;
        };
    }

    /** The byte of a {@code <0xNN>} token, or -1. */
    static int byteTokenValue(String text) {
        if (text.length() != 6 || !text.startsWith("<0x") || text.charAt(5) != '>') return -1;
        int hi = Character.digit(text.charAt(3), 16);
        int lo = Character.digit(text.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    public static Builder builder(String source, String[] texts, TokenType[] types, PieceEncoding encoding) {
        return new Builder(source, texts, types, encoding);
    }

    /** Where the vocabulary came from (a file path), for messages. */
    public String source() {
        return source;
    }

    public int size() {
        return texts.length;
    }

    /** The token's text as the vocabulary stores it ({@code Ġthe}, {@code ▁the}, {@code <|im_end|>}). */
    public String text(int id) {
        return texts[id];
    }

    public TokenType type(int id) {
        return types[id];
    }

    public float score(int id) {
        return scores[id];
    }

    /** The id of the token with exactly this text, or -1. */
    public int id(String text) {
        Integer id = ids.get(text);
        return id != null ? id : -1;
    }

    public int bosId() {
        return bos;
    }

    public int eosId() {
        return eos;
    }

    public int eotId() {
        return eot;
    }

    public int unkId() {
        return unk;
    }

    public int padId() {
        return pad;
    }

    public boolean addBos() {
        return addBos;
    }

    public boolean addEos() {
        return addEos;
    }

    /** SentencePiece's dummy prefix: a space is put before text that starts the input or follows a special token. */
    public boolean addSpacePrefix() {
        return addSpacePrefix;
    }

    public boolean isControl(int id) {
        return id >= 0 && id < types.length && types[id] == TokenType.CONTROL;
    }

    public boolean isEndOfGeneration(int id) {
        return Arrays.binarySearch(eog, id) >= 0;
    }

    /** The end-of-generation ids, ascending. */
    public int[] endOfGenerationIds() {
        return eog.clone();
    }

    /** The bytes the token decodes to (control tokens: their text), a copy. */
    public byte[] pieceBytes(int id) {
        return pieces[id].clone();
    }

    /** The shared piece array (not to be modified); empty for hidden tokens unless {@code special}, or out of range. */
    byte[] piece(int id, boolean special) {
        if (id < 0 || id >= pieces.length) return EMPTY;
        if (!special && types[id].isHiddenByDefault()) return EMPTY;
        return pieces[id];
    }

    boolean lstrip(int id) {
        return lstrip.get(id);
    }

    boolean rstrip(int id) {
        return rstrip.get(id);
    }

    /**
     * The text of {@code ids}. Control and unknown tokens are left out unless {@code renderSpecial}; ids outside the
     * vocabulary (a model's padding rows) decode to nothing. With a dummy-prefix vocabulary, the space that encoding
     * put in front of the text is taken off again (one space, from the first piece, when that piece is text), as
     * Hugging Face's SentencePiece decoders do. Bytes that are not valid UTF-8 become U+FFFD.
     */
    public String decode(int[] ids, boolean renderSpecial) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        boolean first = true;
        for (int id : ids) {
            byte[] p = piece(id, renderSpecial);
            if (p.length == 0) continue;
            int from = first && addSpacePrefix && types[id] != TokenType.CONTROL && p[0] == ' ' ? 1 : 0;
            first = false;
            out.write(p, from, p.length - from);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Collects the parts of a vocabulary; loaders fill it from GGUF metadata or tokenizer.json. */
    public static final class Builder {
        private final String source;
        private final String[] texts;
        private final TokenType[] types;
        private final PieceEncoding encoding;
        private float[] scores;
        private int bos = -1;
        private int eos = -1;
        private int eot = -1;
        private int unk = -1;
        private int pad = -1;
        private boolean addBos;
        private boolean addEos;
        private boolean addSpacePrefix;
        private int[] extraEog = new int[0];
        private final BitSet lstrip = new BitSet();
        private final BitSet rstrip = new BitSet();

        private Builder(String source, String[] texts, TokenType[] types, PieceEncoding encoding) {
            if (texts.length != types.length) {
                throw new IllegalArgumentException(source + ": " + texts.length + " tokens but " + types.length
                        + " token types");
            }
            this.source = source;
            this.texts = texts;
            this.types = types;
            this.encoding = encoding;
        }

        public Builder scores(float[] scores) {
            if (scores != null && scores.length < texts.length) {
                throw new IllegalArgumentException(source + ": " + texts.length + " tokens but only "
                        + scores.length + " scores");
            }
            this.scores = scores;
            return this;
        }

        public Builder bos(int id) { this.bos = id; return this; }

        public Builder eos(int id) { this.eos = id; return this; }

        public Builder eot(int id) { this.eot = id; return this; }

        public Builder unk(int id) { this.unk = id; return this; }

        public Builder pad(int id) { this.pad = id; return this; }

        public Builder addBos(boolean v) { this.addBos = v; return this; }

        public Builder addEos(boolean v) { this.addEos = v; return this; }

        public Builder addSpacePrefix(boolean v) { this.addSpacePrefix = v; return this; }

        /** Further end-of-generation ids (a generation_config.json list). */
        public Builder extraEndOfGeneration(int... ids) { this.extraEog = ids.clone(); return this; }

        /** Whitespace before this added token is dropped when it is split out of text. */
        public Builder lstrip(int id) { lstrip.set(id); return this; }

        /** Whitespace after this added token is dropped when it is split out of text. */
        public Builder rstrip(int id) { rstrip.set(id); return this; }

        public Vocabulary build() {
            return new Vocabulary(this);
        }
    }
}
