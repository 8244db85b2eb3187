package dev.ariadne.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;

/**
 * SentencePiece BPE as llama.cpp's {@code llm_tokenizer_spm} runs it on GGUF {@code tokenizer.ggml.model = llama}
 * vocabularies (Llama 2, stories260K):
 * <ol>
 *   <li>special tokens are split out first; a text fragment at the start or right after a special token gets a
 *       leading space (the dummy prefix), then every space becomes {@code ▁};</li>
 *   <li>each character starts as a symbol; the adjacent pair whose concatenation is a token with the highest score
 *       is merged (ties: the leftmost), until no pair is a token;</li>
 *   <li>a symbol that is not a token is written as its UTF-8 bytes, {@code <0xNN>} tokens.</li>
 * </ol>
 */
final class SentencePieceTokenizer implements Tokenizer {
    private static final char SPACE_MARK = '\u2581';

    private final Vocabulary vocab;
    private final SpecialTokenSplitter specials;
    /** The token of each byte: {@code <0xNN>}, else the byte as a one-character token, else unk (-1 if none). */
    private final int[] byteTokens = new int[256];

    SentencePieceTokenizer(Vocabulary vocab) {
        this.vocab = vocab;
        this.specials = new SpecialTokenSplitter(vocab);
        for (int b = 0; b < 256; b++) {
            int id = vocab.id(String.format("<0x%02X>", b));
            if (id < 0 && b < 0x80) id = vocab.id(String.valueOf((char) b));
            byteTokens[b] = id >= 0 ? id : vocab.unkId();
        }
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        IntList out = new IntList(text.length() / 3 + 4);
        if (addSpecial && vocab.addBos()) out.add(vocab.bosId());
        boolean[] afterSpecial = {true};
        specials.split(text, parseSpecial, new SpecialTokenSplitter.Sink() {
            @Override
            public void text(int start, int end) {
                String fragment = text.substring(start, end);
                if (vocab.addSpacePrefix() && afterSpecial[0]) fragment = " " + fragment;
                encodeFragment(fragment.replace(' ', SPACE_MARK), out);
                afterSpecial[0] = false;
            }

            @Override
            public void token(int id) {
                out.add(id);
                afterSpecial[0] = true;
            }
        });
        if (addSpecial && vocab.addEos()) out.add(vocab.eosId());
        return out.toArray();
    }

    /** A candidate merge of symbols {@code left} and {@code right}, {@code length} chars in all. */
    private record Bigram(int left, int right, float score, int length) {
    }

    private void encodeFragment(String text, IntList out) {
        int n = text.codePointCount(0, text.length());
        int[] start = new int[n];
        int[] length = new int[n]; // in chars; 0 once merged into the symbol on the left
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, at = 0; i < n; i++) {
            int cp = text.codePointAt(at);
            start[i] = at;
            length[i] = Character.charCount(cp);
            at += length[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        // highest score first; on equal scores the leftmost pair
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.score != b.score
                ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) {
            tryAddBigram(text, start, length, i - 1, i, queue);
        }
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            if (length[b.left] == 0 || length[b.right] == 0 || length[b.left] + length[b.right] != b.length) {
                continue; // one side has merged since this pair was queued
            }
            length[b.left] += length[b.right];
            length[b.right] = 0;
            next[b.left] = next[b.right];
            if (next[b.right] >= 0) prev[next[b.right]] = b.left;
            tryAddBigram(text, start, length, prev[b.left], b.left, queue);
            tryAddBigram(text, start, length, b.left, next[b.left], queue);
        }
        for (int i = 0; i >= 0 && n > 0; i = next[i]) {
            String piece = text.substring(start[i], start[i] + length[i]);
            int id = vocab.id(piece);
            if (id >= 0) {
                out.add(id);
                continue;
            }
            for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                int byteToken = byteTokens[b & 0xFF];
                if (byteToken >= 0) out.add(byteToken);
            }
        }
    }

    private void tryAddBigram(String text, int[] start, int[] length, int left, int right, PriorityQueue<Bigram> queue) {
        if (left < 0 || right < 0) return;
        int len = length[left] + length[right];
        int id = vocab.id(text.substring(start[left], start[left] + len));
        if (id >= 0) {
            queue.add(new Bigram(left, right, vocab.score(id), len));
        }
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }

    @Override
    public String describe() {
        return "SentencePiece BPE (" + vocab.size() + " tokens" + (vocab.addSpacePrefix() ? ", dummy prefix" : "")
                + ") from " + vocab.source();
    }
}
