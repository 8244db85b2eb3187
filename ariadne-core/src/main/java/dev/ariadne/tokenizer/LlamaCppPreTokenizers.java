package dev.ariadne.tokenizer;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The pre-tokenizers llama.cpp selects by GGUF {@code tokenizer.ggml.pre}, as data: the regexes of
 * {@code llm_tokenizer_bpe} in llama-vocab.cpp (in their llama.cpp spelling: {@code (?i:...)} written out as
 * {@code '[sS]}, which is also how Java reads it without UNICODE_CASE) and the flags llama.cpp sets with them.
 * Non-ASCII characters are written as {@code \x{...}} escapes.
 */
final class LlamaCppPreTokenizers {

    /** One pre-tokenizer: its regexes, whether a word found whole in the vocabulary skips merging, the BOS default. */
    record Spec(String kind, List<String> regexes, boolean ignoreMerges, boolean addBosDefault) {
    }

    private static final String CONTRACTIONS = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";

    static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";

    static final String LLAMA3 = CONTRACTIONS + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    static final String QWEN2 = CONTRACTIONS + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    static final String QWEN35 = CONTRACTIONS + "|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** Cased letters, as DeepSeek LLM's tokenizer.json lists them. */
    private static final String DEEPSEEK_LETTERS = "A-Za-z\\x{B5}\\x{C0}-\\x{D6}\\x{D8}-\\x{F6}\\x{F8}-\\x{1BA}"
            + "\\x{1BC}-\\x{1BF}\\x{1C4}-\\x{293}\\x{295}-\\x{2AF}\\x{370}-\\x{373}\\x{376}\\x{377}\\x{37B}-\\x{37D}"
            + "\\x{37F}\\x{386}\\x{388}-\\x{38A}\\x{38C}\\x{38E}-\\x{3A1}\\x{3A3}-\\x{3F5}\\x{3F7}-\\x{481}"
            + "\\x{48A}-\\x{52F}\\x{531}-\\x{556}\\x{10A0}-\\x{10C5}\\x{13A0}-\\x{13F5}\\x{13F8}-\\x{13FD}"
            + "\\x{1C90}-\\x{1CBA}\\x{1CBD}-\\x{1CBF}\\x{1D00}-\\x{1D2B}\\x{1D6B}-\\x{1D77}\\x{1D79}-\\x{1D9A}"
            + "\\x{1E00}-\\x{1F15}\\x{1F18}-\\x{1F1D}\\x{1F20}-\\x{1F45}\\x{1F48}-\\x{1F4D}\\x{1F50}-\\x{1F57}"
            + "\\x{1F59}\\x{1F5B}\\x{1F5D}\\x{1F5F}-\\x{1F7D}\\x{1F80}-\\x{1FB4}\\x{1FB6}-\\x{1FBC}\\x{1FBE}"
            + "\\x{1FC2}-\\x{1FC4}\\x{1FC6}-\\x{1FCC}\\x{1FD0}-\\x{1FD3}\\x{1FD6}-\\x{1FDB}\\x{1FE0}-\\x{1FEC}"
            + "\\x{1FF2}-\\x{1FF4}\\x{1FF6}-\\x{1FFC}\\x{2102}\\x{2107}\\x{210A}-\\x{2113}\\x{2115}"
            + "\\x{2119}-\\x{211D}\\x{2124}\\x{2126}\\x{2128}\\x{212A}-\\x{212D}\\x{212F}-\\x{2134}\\x{2139}"
            + "\\x{213C}-\\x{213F}\\x{2145}-\\x{2149}\\x{214E}\\x{2183}\\x{2184}\\x{2C00}-\\x{2C7B}"
            + "\\x{2C7E}-\\x{2CE4}\\x{2CEB}-\\x{2CEE}\\x{2CF2}\\x{2CF3}\\x{A640}-\\x{A66D}\\x{A680}-\\x{A69B}"
            + "\\x{A722}-\\x{A76F}\\x{A771}-\\x{A787}\\x{A78B}-\\x{A78E}\\x{AB70}-\\x{ABBF}\\x{FB00}-\\x{FB06}"
            + "\\x{FB13}-\\x{FB17}\\x{FF21}-\\x{FF3A}\\x{FF41}-\\x{FF5A}\\x{10400}-\\x{1044F}\\x{104B0}-\\x{104D3}"
            + "\\x{104D8}-\\x{104FB}\\x{10C80}-\\x{10CB2}\\x{10CC0}-\\x{10CF2}\\x{118A0}-\\x{118DF}"
            + "\\x{1E900}-\\x{1E943}";

    /** CJK ideographs, a wide block below them, and Hangul, as DeepSeek's tokenizers list them. */
    private static final String DEEPSEEK_CJK = "[\\x{4E00}-\\x{9FA5}\\x{800}-\\x{4E00}\\x{AC00}-\\x{D7FF}]+";

    private static final List<String> DEEPSEEK_LLM = List.of(
            "[\\r\\n]",
            "\\s?[" + DEEPSEEK_LETTERS + "]+",
            "\\s?[!-/:-~\\x{FF01}-\\x{FF0F}\\x{FF1A}-\\x{FF5E}\\x{2018}-\\x{201F}\\x{3000}-\\x{3002}]+",
            "\\s+\\z",
            DEEPSEEK_CJK,
            "\\p{N}+");

    private static final List<String> DEEPSEEK_CODER = List.of(
            "[\\r\\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", DEEPSEEK_CJK, "\\p{N}");

    private static final List<String> DEEPSEEK_V3 = List.of(
            "\\p{N}{1,3}",
            "[\\x{4E00}-\\x{9FA5}\\x{3040}-\\x{309F}\\x{30A0}-\\x{30FF}]+",
            "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+"
                    + "| ?[\\p{P}\\p{S}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");

    /**
     * llama.cpp writes "a letter other than a-z" as {@code ((?=[\p{L}])([^a-z]))}; a Java class intersection says
     * the same and matches iteratively (a repeated group would recurse once per character).
     */
    private static final String UPPERISH = "[\\p{L}&&[^a-z]]";
    private static final String LOWERISH = "[\\p{L}&&[^A-Z]]";

    private static final String GPT4O = "[^\\r\\n\\p{L}\\p{N}]?" + UPPERISH + "*" + LOWERISH + "+" + CONTRACTIONS + "?"
            + "|[^\\r\\n\\p{L}\\p{N}]?" + UPPERISH + "+" + LOWERISH + "*" + CONTRACTIONS + "?"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final String TEKKEN = "[^\\r\\n\\p{L}\\p{N}]?" + UPPERISH + "*" + LOWERISH + "+"
            + "|[^\\r\\n\\p{L}\\p{N}]?" + UPPERISH + "+" + LOWERISH + "*"
            + "|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final String PORO =
            " ?[^(\\s|.,!?\\x{2026}\\x{3002}\\x{FF0C}\\x{3001}\\x{964}\\x{6D4}\\x{60C})]+";

    private static final Map<String, Spec> BY_NAME = new TreeMap<>();

    static {
        add(new Spec("default", List.of("[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]"),
                false, false), "default");
        add(new Spec("llama3", List.of(LLAMA3), true, true),
                "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2");
        add(new Spec("dbrx", List.of(LLAMA3), false, false), "dbrx", "smaug-bpe");
        add(new Spec("deepseek-llm", DEEPSEEK_LLM, false, false), "deepseek-llm");
        add(new Spec("deepseek-coder", DEEPSEEK_CODER, false, false), "deepseek-coder");
        add(new Spec("deepseek-v3", DEEPSEEK_V3, false, false), "deepseek-v3");
        add(new Spec("falcon", List.of("[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]"), false, false),
                "falcon");
        add(new Spec("gpt-2", List.of(GPT2), false, false),
                "gpt-2", "phi-2", "mpt", "olmo", "jais", "jina-es", "jina-de", "gigachat", "jina-v1-en",
                "jina-v2-es", "jina-v2-de", "jina-v2-code", "roberta-bpe", "a.x-4.0", "mellum", "exaone4",
                "trillion", "granite-docling");
        add(new Spec("starcoder", List.of("\\p{N}", GPT2), false, false),
                "starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b");
        add(new Spec("qwen2", List.of(QWEN2), false, false),
                "qwen2", "deepseek-r1-qwen", "megrez", "stablelm2", "hunyuan", "kormo");
        add(new Spec("qwen35", List.of(QWEN35), false, false), "qwen35");
        add(new Spec("gpt-4o", List.of(GPT4O), false, false), "gpt-4o", "llama4");
        add(new Spec("tekken", List.of(TEKKEN), true, true), "tekken");
        add(new Spec("poro", List.of(PORO), false, false), "poro-chat", "bloom", "gpt3-finnish");
    }

    private LlamaCppPreTokenizers() {
    }

    private static void add(Spec spec, String... names) {
        for (String n : names) BY_NAME.put(n, spec);
    }

    /** The pre-tokenizer llama.cpp uses for {@code tokenizer.ggml.pre}; a missing value means "default". */
    static Optional<Spec> byName(String pre) {
        return Optional.ofNullable(BY_NAME.get(pre == null || pre.isEmpty() ? "default" : pre));
    }

    static String supportedNames() {
        return String.join(", ", BY_NAME.keySet());
    }
}
