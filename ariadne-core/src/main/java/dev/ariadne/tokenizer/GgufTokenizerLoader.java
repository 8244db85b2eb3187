package dev.ariadne.tokenizer;

import dev.ariadne.io.gguf.GGUFFile;

import java.util.Locale;
import java.util.Map;

/**
 * Builds a tokenizer from GGUF {@code tokenizer.ggml.*} metadata, with llama.cpp's defaults and rules
 * ({@code llama_vocab::impl::load}): model {@code gpt2} is byte-level BPE with the pre-tokenizer named by
 * {@code tokenizer.ggml.pre}; model {@code llama} is SentencePiece with scores, BOS 1, EOS 2, unknown 0, BOS added and a
 * dummy prefix unless the file says otherwise.
 *
 * <p>One departure: a byte-level vocabulary without BOS/EOS keys has none (-1), where llama.cpp falls back to id 11,
 * a leftover from Falcon.
 */
final class GgufTokenizerLoader {
    private static final String P = "tokenizer.ggml.";

    private final String source;
    private final Map<String, Object> meta;

    private GgufTokenizerLoader(GGUFFile gguf) {
        this.source = gguf.path().toString();
        this.meta = gguf.metadata();
    }

    static Tokenizer load(GGUFFile gguf) {
        return new GgufTokenizerLoader(gguf).load();
    }

    private Tokenizer load() {
        String model = string(P + "model", null);
        if (model == null) {
            throw error("has no tokenizer (metadata key '" + P + "model' is missing)");
        }
        String[] tokens = require(P + "tokens", String[].class);
        TokenType[] types = tokenTypes(tokens.length);
        return switch (model) {
            case "gpt2" -> bpe(tokens, types);
            case "llama" -> sentencePiece(tokens, types);
            default -> throw error("tokenizer model '" + model + "' is not supported (supported: gpt2, llama)");
        };
    }

    private Tokenizer bpe(String[] tokens, TokenType[] types) {
        String pre = string(P + "pre", "default");
        LlamaCppPreTokenizers.Spec spec = LlamaCppPreTokenizers.byName(pre).orElseThrow(() -> error(
                "pre-tokenizer '" + pre + "' (" + P + "pre) is not supported (supported: "
                        + LlamaCppPreTokenizers.supportedNames() + ")"));
        String[] merges = require(P + "merges", String[].class);
        String[] lefts = new String[merges.length];
        String[] rights = new String[merges.length];
        for (int i = 0; i < merges.length; i++) {
            int space = merges[i].indexOf(' ', 1); // as llama.cpp: a merge line is "left right"
            lefts[i] = space < 0 ? "" : merges[i].substring(0, space);
            rights[i] = space < 0 ? "" : merges[i].substring(space + 1);
        }
        Vocabulary.Builder b = Vocabulary.builder(source, tokens, types, Vocabulary.PieceEncoding.BYTE_LEVEL)
                .addBos(bool(P + "add_bos_token", spec.addBosDefault()))
                .addEos(bool(P + "add_eos_token", false))
                .addSpacePrefix(bool(P + "add_space_prefix", false));
        specialIds(b, tokens.length, -1, -1, -1);
        Vocabulary vocab = b.build();
        PreTokenizer preTokenizer = PreTokenizer.of(pre, spec.regexes());
        BpeModel bpeModel = new BpeModel(vocab, lefts, rights, spec.ignoreMerges());
        return new BpeTokenizer(vocab, preTokenizer, bpeModel, null, false);
    }

    private Tokenizer sentencePiece(String[] tokens, TokenType[] types) {
        Vocabulary.Builder b = Vocabulary.builder(source, tokens, types, Vocabulary.PieceEncoding.SENTENCEPIECE)
                .scores(scores(tokens.length))
                .addBos(bool(P + "add_bos_token", true))
                .addEos(bool(P + "add_eos_token", false))
                .addSpacePrefix(bool(P + "add_space_prefix", true));
        specialIds(b, tokens.length, 1, 2, 0);
        String name = string("general.name", "").toLowerCase(Locale.ROOT);
        if (name.contains("phi-3") || name.contains("phi3")) {
            // llama.cpp: Phi-3's special tokens swallow the whitespace after them, except these three
            for (int id = 0; id < tokens.length; id++) {
                String t = tokens[id];
                boolean special = types[id] == TokenType.CONTROL || types[id] == TokenType.USER_DEFINED
                        || types[id] == TokenType.UNKNOWN || t.equals("</s>");
                if (special && !t.equals("<unk>") && !t.equals("<s>") && !t.equals("<|endoftext|>")) b.rstrip(id);
            }
        }
        return new SentencePieceTokenizer(b.build());
    }

    /** Special ids: the defaults, replaced by the file's values where those are inside the vocabulary. */
    private void specialIds(Vocabulary.Builder b, int n, int bos, int eos, int unk) {
        b.bos(id(P + "bos_token_id", n, bos))
                .eos(id(P + "eos_token_id", n, eos))
                .unk(id(P + "unknown_token_id", n, unk))
                .eot(id(P + "eot_token_id", n, -1))
                .pad(id(P + "padding_token_id", n, -1));
        int eom = id(P + "eom_token_id", n, -1);
        if (eom >= 0) b.extraEndOfGeneration(eom);
    }

    private TokenType[] tokenTypes(int n) {
        TokenType[] types = new TokenType[n];
        Object raw = meta.get(P + "token_type");
        if (raw == null) {
            java.util.Arrays.fill(types, TokenType.NORMAL);
            return types;
        }
        if (!(raw instanceof long[] ids)) {
            throw error("metadata '" + P + "token_type' should be an integer array");
        }
        if (ids.length < n) {
            throw error(n + " tokens but only " + ids.length + " token types");
        }
        for (int i = 0; i < n; i++) types[i] = TokenType.fromGGUF(ids[i]);
        return types;
    }

    private float[] scores(int n) {
        Object raw = meta.get(P + "scores");
        if (raw == null) return null;
        float[] scores;
        if (raw instanceof float[] f) {
            scores = f;
        } else if (raw instanceof long[] l) {
            scores = new float[l.length];
            for (int i = 0; i < l.length; i++) scores[i] = l[i];
        } else {
            throw error("metadata '" + P + "scores' should be a float array");
        }
        if (scores.length < n) {
            throw error(n + " tokens but only " + scores.length + " scores");
        }
        return scores;
    }

    private int id(String key, int n, int fallback) {
        Object v = meta.get(key);
        if (v instanceof Long l && l >= 0 && l < n) return (int) (long) l;
        return fallback >= 0 && fallback < n ? fallback : -1; // absent, or out of range (4294967295 = unset)
    }

    private boolean bool(String key, boolean fallback) {
        Object v = meta.get(key);
        if (v == null) return fallback;
        if (v instanceof Boolean bool) return bool;
        throw error("metadata '" + key + "' should be a boolean, found " + v);
    }

    private String string(String key, String fallback) {
        Object v = meta.get(key);
        if (v == null) return fallback;
        if (v instanceof String s) return s;
        throw error("metadata '" + key + "' should be a string");
    }

    private <T> T require(String key, Class<T> type) {
        Object v = meta.get(key);
        if (v == null) throw error("metadata key '" + key + "' is missing");
        if (!type.isInstance(v)) throw error("metadata '" + key + "' should be " + type.getSimpleName());
        return type.cast(v);
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(source + ": " + what);
    }
}
