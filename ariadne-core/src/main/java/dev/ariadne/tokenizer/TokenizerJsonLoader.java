package dev.ariadne.tokenizer;

import dev.ariadne.json.JsonException;
import dev.ariadne.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a byte-level BPE tokenizer from a Hugging Face {@code tokenizer.json} (model, normalizer, pre_tokenizer,
 * added_tokens, post_processor), plus {@code tokenizer_config.json} and {@code generation_config.json} beside it
 * when present (BOS, EOS and end-of-generation ids).
 *
 * <p>Added tokens become CONTROL tokens when they are special or look special ({@code <|...|>}), USER_DEFINED
 * otherwise: the rule llama.cpp's converter applies, so a tokenizer.json and the GGUF made from it tokenize alike
 * (Qwen's {@code <|fim_prefix|>} is not "special" in tokenizer.json, yet plain text never turns into it).
 */
final class TokenizerJsonLoader {
    private final Path file;
    private final String source;

    private TokenizerJsonLoader(Path file) {
        this.file = file;
        this.source = file.toString();
    }

    /** {@code path} is a tokenizer.json or a directory that holds one. */
    static Tokenizer load(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(Files.isDirectory(path)
                    ? path + ": no tokenizer.json in this directory"
                    : path + ": no such file");
        }
        try {
            return new TokenizerJsonLoader(file).load();
        } catch (JsonException e) {
            throw new IllegalArgumentException(e.getMessage(), e); // names the file and the field
        }
    }

    private Tokenizer load() {
        JsonObject root = readJson(file).orElseThrow();
        JsonObject model = root.getObject("model");
        String type = model.optString("type").orElse(model.has("merges") ? "BPE" : "?");
        if (!type.equals("BPE")) {
            throw error("model type '" + type + "' is not supported (supported: BPE)");
        }
        String[][] merges = merges(model.getArray("merges"));
        List<AddedToken> added = addedTokens(root);
        Map<String, Object> vocabMap = model.getObject("vocab").map();
        int size = 0;
        for (Object id : vocabMap.values()) size = Math.max(size, toId(id) + 1);
        for (AddedToken t : added) size = Math.max(size, t.id + 1);
        String[] texts = new String[size];
        TokenType[] types = new TokenType[size];
        vocabMap.forEach((text, id) -> {
            texts[toId(id)] = text;
            types[toId(id)] = TokenType.NORMAL;
        });
        for (AddedToken t : added) {
            texts[t.id] = t.content;
            types[t.id] = t.special || looksSpecial(t.content) ? TokenType.CONTROL : TokenType.USER_DEFINED;
        }
        for (int i = 0; i < size; i++) {
            if (texts[i] == null) {
                texts[i] = "[PAD" + i + "]";
                types[i] = TokenType.UNUSED;
            }
        }

        PreTokenizerSpec pre = new PreTokenizerSpec();
        pre.read(root.optObject("pre_tokenizer").orElse(null));
        boolean byteLevelDecoder = root.optObject("decoder").map(d -> mentionsByteLevel(d.map())).orElse(false);
        if (!pre.byteLevel && !byteLevelDecoder) {
            throw error("only byte-level BPE is supported (no ByteLevel pre-tokenizer or decoder found; "
                    + "SentencePiece-style tokenizers load from their GGUF)");
        }

        Vocabulary.Builder b = Vocabulary.builder(source, texts, types, Vocabulary.PieceEncoding.BYTE_LEVEL);
        for (AddedToken t : added) {
            if (t.lstrip) b.lstrip(t.id);
            if (t.rstrip) b.rstrip(t.id);
        }
        specialIds(root, b, texts);
        Vocabulary vocab = b.build();

        BpeModel bpe = new BpeModel(vocab, merges[0], merges[1], model.getBoolean("ignore_merges", false));
        PreTokenizer preTokenizer = PreTokenizer.of(pre.description(), pre.regexes);
        return new BpeTokenizer(vocab, preTokenizer, bpe, normalization(root.raw("normalizer")), pre.addPrefixSpace);
    }

    private record AddedToken(int id, String content, boolean special, boolean lstrip, boolean rstrip) {
    }

    private List<AddedToken> addedTokens(JsonObject root) {
        List<AddedToken> out = new ArrayList<>();
        if (!root.has("added_tokens")) return out;
        for (Object o : root.getArray("added_tokens")) {
            JsonObject t = object(o, "added_tokens entry");
            String content = t.getString("content");
            if (content.isEmpty()) throw error("added token " + t.getInt("id") + " has empty content");
            out.add(new AddedToken(t.getInt("id"), content, t.getBoolean("special", false),
                    t.getBoolean("lstrip", false), t.getBoolean("rstrip", false)));
        }
        return out;
    }

    /** llama.cpp's converter: {@code does_token_look_special}. */
    static boolean looksSpecial(String t) {
        return t.equals("<pad>") || t.equals("<mask>") || t.equals("<2mass>") || t.equals("[@BOS@]")
                || (t.startsWith("<|") && t.endsWith("|>"))
                || (t.startsWith("<\uFF5C") && t.endsWith("\uFF5C>"))
                || (t.startsWith("<unused") && t.endsWith(">"));
    }

    /** Merges as "left right" strings (older files) or [left, right] pairs; rank = position. */
    private String[][] merges(List<Object> list) {
        String[] lefts = new String[list.size()];
        String[] rights = new String[list.size()];
        for (int i = 0; i < list.size(); i++) {
            Object m = list.get(i);
            if (m instanceof String s) {
                int space = s.indexOf(' ', 1);
                if (space < 0) throw error("merge #" + i + " '" + s + "' is not 'left right'");
                lefts[i] = s.substring(0, space);
                rights[i] = s.substring(space + 1);
            } else if (m instanceof List<?> pair && pair.size() == 2
                    && pair.get(0) instanceof String l && pair.get(1) instanceof String r) {
                lefts[i] = l;
                rights[i] = r;
            } else {
                throw error("merge #" + i + " is neither \"left right\" nor [left, right]: " + m);
            }
        }
        return new String[][] {lefts, rights};
    }

    private Normalizer.Form normalization(Object spec) {
        if (spec == null) return null;
        JsonObject n = object(spec, "normalizer");
        String type = n.getString("type");
        if (type.equals("Sequence")) {
            Normalizer.Form form = null;
            for (Object o : n.getArray("normalizers")) {
                Normalizer.Form f = normalization(o);
                if (form != null && f != null) throw error("more than one Unicode normalizer in the sequence");
                if (f != null) form = f;
            }
            return form;
        }
        return switch (type) {
            case "NFC" -> Normalizer.Form.NFC;
            case "NFD" -> Normalizer.Form.NFD;
            case "NFKC" -> Normalizer.Form.NFKC;
            case "NFKD" -> Normalizer.Form.NFKD;
            default -> throw error("normalizer '" + type + "' is not supported (supported: NFC, NFD, NFKC, NFKD)");
        };
    }

    /** Regexes and flags gathered from the pre_tokenizer tree. */
    private final class PreTokenizerSpec {
        final List<String> regexes = new ArrayList<>();
        final List<String> parts = new ArrayList<>();
        boolean byteLevel;
        boolean addPrefixSpace;

        void read(JsonObject p) {
            if (p == null) return;
            String type = p.getString("type");
            switch (type) {
                case "Sequence" -> {
                    for (Object o : p.getArray("pretokenizers")) read(object(o, "pre_tokenizer"));
                }
                case "Split" -> {
                    JsonObject pattern = p.getObject("pattern");
                    String behavior = p.optString("behavior").orElse("Isolated");
                    if (!behavior.equals("Isolated") || p.getBoolean("invert", false)) {
                        throw error("Split pre-tokenizer with behavior " + behavior + (p.getBoolean("invert", false)
                                ? " and invert" : "") + " is not supported (supported: Isolated)");
                    }
                    regexes.add(pattern.has("Regex") ? pattern.getString("Regex")
                            : java.util.regex.Pattern.quote(pattern.getString("String")));
                    parts.add("Split");
                }
                case "ByteLevel" -> {
                    byteLevel = true;
                    addPrefixSpace = p.getBoolean("add_prefix_space", false);
                    if (p.getBoolean("use_regex", true)) {
                        regexes.add(LlamaCppPreTokenizers.GPT2 + "|\\s+");
                    }
                    parts.add("ByteLevel");
                }
                case "Digits" -> {
                    regexes.add(p.getBoolean("individual_digits", false) ? "\\p{N}" : "\\p{N}+");
                    parts.add("Digits");
                }
                default -> throw error("pre-tokenizer '" + type
                        + "' is not supported (supported: Sequence, Split, ByteLevel, Digits)");
            }
        }

        String description() {
            return "tokenizer.json " + String.join("+", parts);
        }
    }

    private static boolean mentionsByteLevel(Map<String, Object> node) {
        if ("ByteLevel".equals(node.get("type"))) return true;
        for (Object v : node.values()) {
            if (v instanceof List<?> l) {
                for (Object o : l) {
                    if (o instanceof Map<?, ?> m && mentionsByteLevel(cast(m))) return true;
                }
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    /**
     * BOS: the post-processor's leading special token, else tokenizer_config.json's bos_token, else
     * generation_config.json's bos_token_id; BOS is added only where the post-processor adds it. EOS:
     * tokenizer_config.json's eos_token, else generation_config.json's first eos_token_id, else the
     * post-processor's trailing token; every generation_config.json eos id ends generation.
     */
    private void specialIds(JsonObject root, Vocabulary.Builder b, String[] texts) {
        int[] template = templateSpecials(root.raw("post_processor"));
        Optional<JsonObject> config = readJson(file.resolveSibling("tokenizer_config.json"));
        Optional<JsonObject> generation = readJson(file.resolveSibling("generation_config.json"));
        int bos = template[0];
        if (bos < 0) bos = config.map(c -> tokenId(c, "bos_token", texts)).orElse(-1);
        if (bos < 0) bos = generation.map(g -> g.getInt("bos_token_id", -1)).orElse(-1);
        int[] genEos = generation.map(g -> ids(g.raw("eos_token_id"))).orElse(new int[0]);
        int eos = config.map(c -> tokenId(c, "eos_token", texts)).orElse(-1);
        if (eos < 0 && genEos.length > 0) eos = genEos[0];
        if (eos < 0) eos = template[1];
        b.bos(bos).eos(eos).addBos(template[0] >= 0).addEos(template[1] >= 0)
                .pad(config.map(c -> tokenId(c, "pad_token", texts)).orElse(-1))
                .unk(config.map(c -> tokenId(c, "unk_token", texts)).orElse(-1))
                .extraEndOfGeneration(genEos);
    }

    /** {leading special id, trailing special id} of a TemplateProcessing's single-sequence template, -1 if none. */
    private int[] templateSpecials(Object spec) {
        int[] result = {-1, -1};
        if (spec == null) return result;
        JsonObject p = object(spec, "post_processor");
        String type = p.getString("type");
        if (type.equals("Sequence")) {
            for (Object o : p.getArray("processors")) {
                int[] r = templateSpecials(o);
                if (r[0] >= 0) result[0] = r[0];
                if (r[1] >= 0) result[1] = r[1];
            }
            return result;
        }
        if (!type.equals("TemplateProcessing")) return result; // ByteLevel and others add nothing
        JsonObject specials = p.getObject("special_tokens");
        boolean seenSequence = false;
        for (Object o : p.getArray("single")) {
            JsonObject item = object(o, "post_processor template item");
            if (item.has("Sequence")) {
                seenSequence = true;
                continue;
            }
            String name = item.getObject("SpecialToken").getString("id");
            List<Object> ids = specials.getObject(name).getArray("ids");
            if (ids.size() != 1) throw error("post_processor special token '" + name + "' must have one id");
            result[seenSequence ? 1 : 0] = toId(ids.get(0));
        }
        return result;
    }

    private int tokenId(JsonObject config, String key, String[] texts) {
        Object v = config.raw(key);
        String text = v instanceof String s ? s : v instanceof Map<?, ?> m && m.get("content") instanceof String s
                ? s : null;
        if (text == null) return -1;
        for (int i = 0; i < texts.length; i++) {
            if (text.equals(texts[i])) return i;
        }
        throw error("tokenizer_config.json " + key + " '" + text + "' is not in the vocabulary");
    }

    private int[] ids(Object v) {
        if (v == null) return new int[0];
        if (v instanceof List<?> l) return l.stream().mapToInt(this::toId).toArray();
        return new int[] {toId(v)};
    }

    private int toId(Object v) {
        if (v instanceof Long l && l >= 0 && l < Integer.MAX_VALUE) return (int) (long) l;
        throw error("token id should be a non-negative integer, found " + v);
    }

    private JsonObject object(Object o, String what) {
        if (o instanceof Map<?, ?> m) return new JsonObject(cast(m), source);
        throw error(what + " should be an object, found " + o);
    }

    private static Optional<JsonObject> readJson(Path p) {
        if (!Files.isRegularFile(p)) return Optional.empty();
        try {
            return Optional.of(JsonObject.parse(Files.readString(p), p.toString()));
        } catch (IOException e) {
            throw new IllegalArgumentException(p + ": cannot read: " + e.getMessage(), e);
        } catch (JsonException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(source + ": " + what);
    }
}
