package dev.ariadne.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits added and special tokens out of text before the text is tokenized, scanning left to right and taking the
 * longest token that starts at each position. Control and unknown tokens ({@code <|im_start|>}, {@code <unk>}) are
 * looked for only when the caller parses special tokens; user-defined tokens ({@code <think>}) always, as llama.cpp
 * and Hugging Face do.
 */
final class SpecialTokenSplitter {

    /** Receives the parts of the text in order. */
    interface Sink {
        /** Plain text {@code text[start, end)}, never empty. */
        void text(int start, int end);

        void token(int id);
    }

    private final Vocabulary vocab;
    /** First character of a candidate token, to its candidates, longest first. */
    private final Map<Character, int[]> all = new HashMap<>();
    private final Map<Character, int[]> userDefined = new HashMap<>();
    /** The first characters of all candidates: a cheap test before the map lookup. */
    private final BitSet firstChars = new BitSet(1 << 16);

    SpecialTokenSplitter(Vocabulary vocab) {
        this.vocab = vocab;
        Map<Character, List<Integer>> allLists = new HashMap<>();
        Map<Character, List<Integer>> userLists = new HashMap<>();
        for (int id = 0; id < vocab.size(); id++) {
            TokenType t = vocab.type(id);
            if (!t.isSplitCandidate()) continue;
            char first = vocab.text(id).charAt(0);
            firstChars.set(first);
            allLists.computeIfAbsent(first, k -> new ArrayList<>()).add(id);
            if (t == TokenType.USER_DEFINED) {
                userLists.computeIfAbsent(first, k -> new ArrayList<>()).add(id);
            }
        }
        Comparator<Integer> longestFirst =
                Comparator.<Integer>comparingInt(id -> vocab.text(id).length()).reversed().thenComparing(id -> id);
        allLists.forEach((c, ids) -> all.put(c, ids.stream().sorted(longestFirst).mapToInt(i -> i).toArray()));
        userLists.forEach((c, ids) -> userDefined.put(c, ids.stream().sorted(longestFirst).mapToInt(i -> i).toArray()));
    }

    void split(String text, boolean parseSpecial, Sink sink) {
        Map<Character, int[]> candidates = parseSpecial ? all : userDefined;
        int textStart = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            int match = firstChars.get(c) ? match(text, i, candidates.get(c)) : -1;
            if (match < 0) {
                i++;
                continue;
            }
            int textEnd = i;
            if (vocab.lstrip(match)) {
                while (textEnd > textStart && isSpace(text.charAt(textEnd - 1))) textEnd--;
            }
            if (textEnd > textStart) sink.text(textStart, textEnd);
            sink.token(match);
            i += vocab.text(match).length();
            if (vocab.rstrip(match)) {
                while (i < n && isSpace(text.charAt(i))) i++;
            }
            textStart = i;
        }
        if (n > textStart) sink.text(textStart, n);
    }

    private int match(String text, int at, int[] ids) {
        if (ids == null) return -1;
        for (int id : ids) {
            if (text.startsWith(vocab.text(id), at)) return id;
        }
        return -1;
    }

    /** C's {@code isspace} in the "C" locale, which llama.cpp uses for lstrip/rstrip. */
    private static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
