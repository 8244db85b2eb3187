package dev.ariadne.server.openai.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Ways to cut an output into stream deltas, for the tests that a stream's concatenated deltas equal the whole-text
 * parse: one cut at every position (so every tag is split at every one of its characters), one character per delta,
 * the whole text in one delta, and seeded random cuts into pieces of 0 to 9 characters (empty deltas included, as an
 * engine step can decode to no text).
 */
final class Splits {
    private Splits() {
    }

    static List<List<String>> of(String text, long seed, int randomCuts) {
        List<List<String>> all = new ArrayList<>();
        all.add(List.of(text));
        for (int i = 0; i <= text.length(); i++) {
            all.add(List.of(text.substring(0, i), text.substring(i)));
        }
        List<String> chars = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            chars.add(text.substring(i, i + 1));
        }
        all.add(chars);
        Random random = new Random(seed);
        for (int n = 0; n < randomCuts; n++) {
            List<String> pieces = new ArrayList<>();
            for (int at = 0; at < text.length(); ) {
                int len = Math.min(random.nextInt(10), text.length() - at);
                pieces.add(text.substring(at, at + len));
                at += len;
            }
            all.add(pieces);
        }
        return all;
    }
}
