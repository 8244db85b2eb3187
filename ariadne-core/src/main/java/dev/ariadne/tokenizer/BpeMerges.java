package dev.ariadne.tokenizer;

/**
 * The merge table of a BPE vocabulary: (left symbol, right symbol) to (rank, merged symbol), in an open-addressing
 * hash table over primitive arrays (150,000 merges without boxing).
 *
 * <pre>
 * key  = left &lt;&lt; 32 | right        (symbol ids are non-negative, so -1 marks an empty slot)
 * slot = mix(key) &amp; (capacity - 1), then linear probing
 * </pre>
 */
final class BpeMerges {
    private static final long EMPTY = -1L;

    private final long[] keys;
    private final int[] ranks;
    private final int[] results;
    private final int mask;
    private int size;

    BpeMerges(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        java.util.Arrays.fill(keys, EMPTY);
        ranks = new int[capacity];
        results = new int[capacity];
        mask = capacity - 1;
    }

    /** Adds a merge unless the pair is already there (the first, lowest-ranked line wins, as in llama.cpp). */
    void putIfAbsent(int left, int right, int rank, int result) {
        long key = key(left, right);
        int slot = slot(key);
        while (keys[slot] != EMPTY) {
            if (keys[slot] == key) return;
            slot = (slot + 1) & mask;
        }
        if (size + 1 > keys.length * 3 / 4) {
            throw new IllegalStateException("merge table over capacity: " + size);
        }
        keys[slot] = key;
        ranks[slot] = rank;
        results[slot] = result;
        size++;
    }

    /** The slot of the pair, or -1 if the pair does not merge. */
    int find(int left, int right) {
        long key = key(left, right);
        int slot = slot(key);
        while (true) {
            long k = keys[slot];
            if (k == key) return slot;
            if (k == EMPTY) return -1;
            slot = (slot + 1) & mask;
        }
    }

    int rank(int slot) {
        return ranks[slot];
    }

    int result(int slot) {
        return results[slot];
    }

    int size() {
        return size;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }
}
