package dev.ariadne.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE over one pre-tokenized word, as Hugging Face tokenizers and llama.cpp do it: the word's UTF-8 bytes
 * start as one symbol each; the adjacent pair with the lowest merge rank is merged (ties: the leftmost), until no pair
 * merges. A symbol that is not a token at the end (possible only with inconsistent merges) falls back to its bytes.
 *
 * <p>Symbols are ids: a vocabulary id, or a "virtual" id above the vocabulary for a merge part or result that is not
 * itself a token. Symbol i of a word always starts at byte i, so a symbol's bytes are {@code [i, next[i])}.
 *
 * <p>Results are cached per word (words up to 256 chars); the cache is shared by all threads and emptied when it
 * grows past its bound. The merge loop keeps a heap of {@code rank << 32 | position}, so a word of n bytes costs
 * O(n log n) however long it is.
 */
final class BpeModel {
    private static final int CACHE_LIMIT = 100_000;
    /** Longer words (a run of base64, a line of dashes) are rare and would only bloat the cache. */
    private static final int CACHED_WORD_LENGTH = 256;

    private final Vocabulary vocab;
    private final int vocabSize;
    private final BpeMerges merges;
    /** The symbol of each byte's one-character byte-level string. */
    private final int[] byteSymbol = new int[256];
    private final boolean ignoreMerges;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /**
     * @param lefts,rights the merges in rank order (rank = index)
     * @param ignoreMerges a word that is itself a token is that token, unmerged (llama.cpp for llama-3 vocabularies)
     */
    BpeModel(Vocabulary vocab, String[] lefts, String[] rights, boolean ignoreMerges) {
        this.vocab = vocab;
        this.vocabSize = vocab.size();
        this.ignoreMerges = ignoreMerges;
        Map<String, Integer> virtual = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            byteSymbol[b] = symbol(String.valueOf(ByteLevel.charOf(b)), virtual);
        }
        this.merges = new BpeMerges(lefts.length);
        for (int rank = 0; rank < lefts.length; rank++) {
            int left = symbol(lefts[rank], virtual);
            int right = symbol(rights[rank], virtual);
            merges.putIfAbsent(left, right, rank, symbol(lefts[rank] + rights[rank], virtual));
        }
    }

    private int symbol(String text, Map<String, Integer> virtual) {
        int id = vocab.id(text);
        return id >= 0 ? id : virtual.computeIfAbsent(text, t -> vocabSize + virtual.size());
    }

    int mergeCount() {
        return merges.size();
    }

    /** Appends the tokens of one pre-tokenized word (not yet byte-level encoded) to {@code out}. */
    void encodeWord(String word, IntList out) {
        if (word.length() > CACHED_WORD_LENGTH) {
            out.addAll(encodeUncached(word.getBytes(StandardCharsets.UTF_8)));
            return;
        }
        int[] ids = cache.get(word);
        if (ids == null) {
            ids = encodeUncached(word.getBytes(StandardCharsets.UTF_8));
            if (cache.size() >= CACHE_LIMIT) cache.clear();
            cache.put(word, ids);
        }
        out.addAll(ids);
    }

    private int[] encodeUncached(byte[] bytes) {
        int n = bytes.length;
        if (n == 1) {
            int s = byteSymbol[bytes[0] & 0xFF];
            return s < vocabSize ? new int[] {s} : new int[0];
        }
        if (ignoreMerges) {
            int whole = vocab.id(ByteLevel.encode(bytes, 0, n));
            if (whole >= 0) return new int[] {whole};
        }
        Scratch s = scratch.get();
        s.ensure(n);
        int[] sym = s.sym;
        int[] prev = s.prev;
        int[] next = s.next;
        for (int i = 0; i < n; i++) {
            sym[i] = byteSymbol[bytes[i] & 0xFF];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        LongMinHeap queue = s.queue;
        queue.clear();
        for (int i = 0; i + 1 < n; i++) {
            push(queue, sym, i, i + 1);
        }
        while (!queue.isEmpty()) {
            long entry = queue.pop();
            int rank = (int) (entry >>> 32);
            int left = (int) entry;
            if (sym[left] < 0) continue; // merged into its left neighbour since
            int right = next[left];
            if (right < 0) continue;
            int slot = merges.find(sym[left], sym[right]);
            if (slot < 0 || merges.rank(slot) != rank) continue; // stale: a side has changed since
            sym[left] = merges.result(slot);
            sym[right] = -1;
            int after = next[right];
            next[left] = after;
            if (after >= 0) prev[after] = left;
            if (prev[left] >= 0) push(queue, sym, prev[left], left);
            if (after >= 0) push(queue, sym, left, after);
        }
        IntList out = new IntList(8);
        for (int i = 0; i >= 0; i = next[i]) {
            if (sym[i] < vocabSize) {
                out.add(sym[i]);
            } else {
                int end = next[i] < 0 ? n : next[i];
                for (int b = i; b < end; b++) {
                    int bs = byteSymbol[bytes[b] & 0xFF];
                    if (bs < vocabSize) out.add(bs);
                }
            }
        }
        return out.toArray();
    }

    private void push(LongMinHeap queue, int[] sym, int left, int right) {
        int slot = merges.find(sym[left], sym[right]);
        if (slot >= 0) {
            queue.push(((long) merges.rank(slot) << 32) | left);
        }
    }

    /** Per-thread work arrays, grown as needed. */
    private static final class Scratch {
        int[] sym = new int[64];
        int[] prev = new int[64];
        int[] next = new int[64];
        final LongMinHeap queue = new LongMinHeap();

        void ensure(int n) {
            if (sym.length < n) {
                int cap = Integer.highestOneBit(n) << 1;
                sym = new int[cap];
                prev = new int[cap];
                next = new int[cap];
            }
        }
    }
}
