package dev.ariadne.tokenizer;

import java.text.Normalizer;

/**
 * Byte-level BPE (GPT-2, Llama 3, Qwen, DeepSeek vocabularies). Encoding, in order:
 * <ol>
 *   <li>split added and special tokens out of the text ({@link SpecialTokenSplitter});</li>
 *   <li>normalize each remaining fragment (Unicode NFC where tokenizer.json asks for it);</li>
 *   <li>pre-tokenize each fragment into words ({@link PreTokenizer});</li>
 *   <li>merge each word's bytes into tokens ({@link BpeModel}).</li>
 * </ol>
 */
final class BpeTokenizer implements Tokenizer {
    private final Vocabulary vocab;
    private final SpecialTokenSplitter specials;
    private final PreTokenizer preTokenizer;
    private final BpeModel model;
    private final Normalizer.Form normalization;
    private final boolean addPrefixSpace;

    /**
     * @param normalization  Unicode normalization of text fragments, or null
     * @param addPrefixSpace put a space before each text fragment that does not start with one (ByteLevel's
     *                       {@code add_prefix_space})
     */
    BpeTokenizer(Vocabulary vocab, PreTokenizer preTokenizer, BpeModel model, Normalizer.Form normalization,
                 boolean addPrefixSpace) {
        this.vocab = vocab;
        this.specials = new SpecialTokenSplitter(vocab);
        this.preTokenizer = preTokenizer;
        this.model = model;
        this.normalization = normalization;
        this.addPrefixSpace = addPrefixSpace;
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        IntList out = new IntList(text.length() / 3 + 4);
        if (addSpecial && vocab.addBos()) out.add(vocab.bosId());
        IntList bounds = new IntList(64);
        specials.split(text, parseSpecial, new SpecialTokenSplitter.Sink() {
            @Override
            public void text(int start, int end) {
                encodeFragment(text.substring(start, end), bounds, out);
            }

            @Override
            public void token(int id) {
                out.add(id);
            }
        });
        if (addSpecial && vocab.addEos()) out.add(vocab.eosId());
        return out.toArray();
    }

    private void encodeFragment(String fragment, IntList bounds, IntList out) {
        String text = fragment;
        if (normalization != null && !Normalizer.isNormalized(text, normalization)) {
            text = Normalizer.normalize(text, normalization);
        }
        if (addPrefixSpace && !text.startsWith(" ")) {
            text = " " + text;
        }
        bounds.clear();
        preTokenizer.split(text, bounds);
        for (int k = 0; k < bounds.size(); k += 2) {
            model.encodeWord(text.substring(bounds.get(k), bounds.get(k + 1)), out);
        }
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }

    @Override
    public String describe() {
        return "byte-level BPE (pre-tokenizer " + preTokenizer.name() + ", " + vocab.size() + " tokens, "
                + model.mergeCount() + " merges" + (normalization != null ? ", " + normalization : "") + ") from "
                + vocab.source();
    }
}
