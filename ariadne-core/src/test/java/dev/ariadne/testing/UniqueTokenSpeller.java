package dev.ariadne.testing;

import dev.ariadne.tokenizer.TokenType;
import dev.ariadne.tokenizer.Tokenizer;
import dev.ariadne.tokenizer.Vocabulary;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Spells a text as token ids that decode to exactly that text, with no id used twice and none of the ids already
 * taken: what a bigram model needs, since a token can have only one successor. Added tokens written in the text
 * ({@code <think>}, {@code <tool_call>}) are always their single id, as the real model would emit them; the plain
 * text around them is covered by normal tokens, found by a depth-first search that tries the longest token first.
 *
 * <p>Matching is on the bytes each token decodes to ({@link Tokenizer#tokenBytes}), so byte-level pieces such as
 * {@code Ġ} (a space) and {@code Ċ} (a newline) count as what they stand for, and a token may end inside a multi-byte
 * character. Failures are {@link IllegalArgumentException}s that name the script and say where and why.
 */
final class UniqueTokenSpeller {
    /** Far more than a script of a few hundred bytes takes (a few per byte); beyond it the search is hopeless. */
    private static final int MAX_STEPS = 200_000;

    private final Tokenizer tokenizer;
    /** Normal tokens by their bytes (read as ISO-8859-1, one char per byte). */
    private final Map<String, Integer> normal = new HashMap<>();
    private final int longestNormal;
    /** Added tokens that text may contain, longest first: forced where they occur. */
    private final List<Integer> added = new ArrayList<>();
    /** Control tokens: hidden from output text, so a script may not contain them. */
    private final List<Integer> control = new ArrayList<>();

    UniqueTokenSpeller(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        Vocabulary v = tokenizer.vocabulary();
        int longest = 0;
        for (int id = 0; id < v.size(); id++) {
            TokenType type = v.type(id);
            if (type == TokenType.NORMAL) {
                byte[] b = tokenizer.tokenBytes(id);
                if (b.length == 0) continue;
                normal.putIfAbsent(latin1(b), id);
                longest = Math.max(longest, b.length);
            } else if (type == TokenType.USER_DEFINED) {
                added.add(id);
            } else if (type == TokenType.CONTROL) {
                control.add(id);
            }
        }
        this.longestNormal = longest;
        added.sort(Comparator.comparingInt((Integer id) -> -tokenizer.tokenBytes(id).length));
    }

    /**
     * The ids spelling {@code text}.
     *
     * @param name  the script, for messages
     * @param taken ids that may not be used, with why (a trigger, end of generation, another script)
     */
    int[] spell(String name, String text, Map<Integer, String> taken) {
        for (int id : control) {
            String t = tokenizer.vocabulary().text(id);
            if (text.contains(t)) {
                throw new IllegalArgumentException(name + ": the text contains the control token " + t + " (" + id
                        + "), which output text never shows; end of generation is added after every script");
            }
        }
        Search s = new Search(name, text, taken);
        int[] ids = s.run();
        String decoded = tokenizer.decode(ids);
        if (!decoded.equals(text)) {
            throw new IllegalStateException(name + ": spelled as " + Arrays.toString(ids)
                    + " which decodes to " + quote(decoded) + ", not " + quote(text));
        }
        return ids;
    }

    /** One search: the text as bytes, the tokens usable at each position, the ids used so far. */
    private final class Search {
        private final String name;
        private final String text;
        private final byte[] bytes;
        private final Map<Integer, String> taken;
        /** Per byte position, the free candidates as parallel (id, length) arrays, longest first; empty if none. */
        private final int[][] ids;
        private final int[][] lengths;
        /** Per byte position, the ids that would fit there but are taken. */
        private final int[][] blocked;
        /** Whether the text from a position on can be spelled at all with ids not taken (repeats ignored). */
        private final boolean[] reachable;
        /**
         * Whether the text from a position on can be spelled with no id twice, on its own (nothing before it used):
         * filled right to left by {@link #run}; a path never steps onto a position that is not alive.
         */
        private final boolean[] alive;
        /** Per position, its candidates' indices among the distinct ids of the whole text (what bit sets hold). */
        private final int[][] slots;
        /** Per position, the slots of every candidate from there to the end: all the ids that can still matter. */
        private final BitSet[] suffix;
        private final BitSet used = new BitSet();
        /** (position, the used ids that can still matter there) known to lead nowhere: the search's memo. */
        private final Set<Failure> failed = new HashSet<>();
        private final List<Integer> path = new ArrayList<>();
        private int steps;

        Search(String name, String text, Map<Integer, String> taken) {
            this.name = name;
            this.text = text;
            this.bytes = text.getBytes(StandardCharsets.UTF_8);
            this.taken = taken;
            int n = bytes.length;
            this.ids = new int[n][];
            this.lengths = new int[n][];
            this.blocked = new int[n][];
            this.reachable = new boolean[n + 1];
            this.alive = new boolean[n + 1];
            candidates();
            reachable[n] = true;
            for (int p = n - 1; p >= 0; p--) {
                for (int i = 0; i < ids[p].length && !reachable[p]; i++) {
                    reachable[p] = reachable[p + lengths[p][i]];
                }
            }
            this.slots = new int[n][];
            this.suffix = new BitSet[n + 1];
            Map<Integer, Integer> slotOf = new HashMap<>();
            suffix[n] = new BitSet();
            for (int p = n - 1; p >= 0; p--) {
                slots[p] = new int[ids[p].length];
                suffix[p] = (BitSet) suffix[p + 1].clone();
                for (int i = 0; i < ids[p].length; i++) {
                    slots[p][i] = slotOf.computeIfAbsent(ids[p][i], id -> slotOf.size());
                    suffix[p].set(slots[p][i]);
                }
            }
        }

        /** Fills the candidates: an added token where one starts, else normal tokens not crossing into one. */
        private void candidates() {
            int n = bytes.length;
            int[] forced = new int[n]; // an added token's id where it starts, -2 inside it, -1 plain text
            Arrays.fill(forced, -1);
            for (int p = 0; p < n; ) {
                int id = addedAt(p);
                if (id < 0) {
                    p++;
                    continue;
                }
                int len = tokenizer.tokenBytes(id).length;
                Arrays.fill(forced, p + 1, p + len, -2);
                forced[p] = id;
                p += len;
            }
            int nextAdded = n;
            for (int p = n - 1; p >= 0; p--) {
                List<int[]> found = new ArrayList<>();
                if (forced[p] >= 0) {
                    found.add(new int[] {forced[p], tokenizer.tokenBytes(forced[p]).length});
                } else if (forced[p] == -1) {
                    for (int len = Math.min(longestNormal, nextAdded - p); len >= 1; len--) {
                        Integer id = normal.get(new String(bytes, p, len, StandardCharsets.ISO_8859_1));
                        if (id != null) found.add(new int[] {id, len});
                    }
                }
                if (forced[p] != -1) nextAdded = p;
                // Taken ids are dropped after the fact, so the message can name what blocked a position.
                blocked[p] = found.stream().filter(c -> taken.containsKey(c[0])).mapToInt(c -> c[0]).toArray();
                found.removeIf(c -> taken.containsKey(c[0]));
                ids[p] = found.stream().mapToInt(c -> c[0]).toArray();
                lengths[p] = found.stream().mapToInt(c -> c[1]).toArray();
            }
        }

        private int addedAt(int p) {
            for (int id : added) {
                byte[] b = tokenizer.tokenBytes(id);
                if (p + b.length <= bytes.length && Arrays.equals(bytes, p, p + b.length, b, 0, b.length)) {
                    return id;
                }
            }
            return -1;
        }

        /**
         * Decides, right to left, which positions the text can be spelled from on their own, then returns the
         * spelling from the start. Deciding every suffix first is what keeps the search short: a dead end that does
         * not depend on the prefix (the same newline needed twice near the end) is found once, at its position,
         * instead of once per way of spelling everything before it.
         */
        int[] run() {
            if (!reachable[0]) throw unreachable();
            int n = bytes.length;
            alive[n] = true;
            for (int p = n - 1; p >= 0; p--) {
                used.clear();
                path.clear();
                alive[p] = reachable[p] && dfs(p);
                if (steps > MAX_STEPS) {
                    throw new IllegalArgumentException(name + ": gave up spelling " + quote(text) + " in tokens used"
                            + " once each after " + MAX_STEPS + " attempts; shorten it or repeat less");
                }
            }
            if (!alive[0]) {
                int from = n - 1;
                while (alive[from] || !reachable[from]) from--;
                throw new IllegalArgumentException(name + ": " + quote(text) + " has no spelling that uses each"
                        + " token once: from byte " + from + " on (" + quote(excerpt(from)) + ") every spelling"
                        + " needs some token twice, and a bigram model cannot repeat a token; reword the repeated"
                        + " part");
            }
            return path.stream().mapToInt(Integer::intValue).toArray();
        }

        /**
         * Whether the text from {@code p} on can be spelled without the used ids. What happens from p depends only on
         * which of the ids that occur from p on are used, so a failure is remembered under that part of the used set,
         * for every later search too.
         */
        private boolean dfs(int p) {
            if (p == bytes.length) return true;
            BitSet relevant = (BitSet) used.clone();
            relevant.and(suffix[p]);
            Failure here = new Failure(p, relevant);
            if (failed.contains(here)) return false;
            for (int i = 0; i < ids[p].length; i++) {
                int slot = slots[p][i];
                int next = p + lengths[p][i];
                if (used.get(slot) || !alive[next]) continue;
                if (++steps > MAX_STEPS) return false;
                used.set(slot);
                path.add(ids[p][i]);
                if (dfs(next)) return true;
                path.removeLast();
                used.clear(slot);
            }
            failed.add(here);
            return false;
        }

        private String excerpt(int from) {
            String rest = new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
            return rest.length() > 24 ? rest.substring(0, 24) + "..." : rest;
        }

        /** Says where spelling gets stuck: the furthest position reachable from the start, and what is taken there. */
        private IllegalArgumentException unreachable() {
            boolean[] from = new boolean[bytes.length + 1];
            from[0] = true;
            int furthest = 0;
            for (int p = 0; p < bytes.length; p++) {
                if (!from[p]) continue;
                furthest = p;
                for (int len : lengths[p]) from[p + len] = true;
            }
            StringBuilder why = new StringBuilder();
            for (int id : blocked[furthest]) {
                why.append(why.isEmpty() ? "; taken there: " : ", ").append(quote(tokenizer.decode(new int[] {id})))
                        .append(" (").append(id).append(", ").append(taken.get(id)).append(')');
            }
            return new IllegalArgumentException(name + ": " + quote(text) + " cannot be spelled from byte " + furthest
                    + " on (" + quote(excerpt(furthest)) + "): no free token starts there, or every way on from"
                    + " there is blocked" + why);
        }
    }

    private record Failure(int position, BitSet used) {
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"';
    }
}
