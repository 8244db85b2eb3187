package dev.ariadne.tokenizer;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Random;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 10,000 random byte strings (read as UTF-8, so with U+FFFD where invalid) and 10,000 random Unicode strings encode
 * and decode without an exception, stay inside the vocabulary, and come back unchanged where the tokenizer is
 * lossless. Seeded, so a failure repeats.
 */
class TokFuzzTest {
    private static final int COUNT = 10_000;

    @Test
    void qwen3Gguf() {
        fuzz(KitTokenizers.qwen3Gguf(), UnaryOperator.identity(), 1, COUNT);
    }

    /**
     * tokenizer.json normalizes to NFC, so the round trip gives the NFC form. The same engine as the GGUF's, so fewer
     * strings.
     */
    @Test
    void qwen3TokenizerJson() {
        fuzz(KitTokenizers.qwen3Json(), s -> Normalizer.normalize(s, Normalizer.Form.NFC), 2, COUNT / 5);
    }

    /** SentencePiece reads spaces as ▁, so a ▁ in the input comes back as a space. */
    @Test
    void stories260K() {
        fuzz(KitTokenizers.stories260K(), s -> s.replace('\u2581', ' '), 3, COUNT);
    }

    private static void fuzz(Tokenizer tok, UnaryOperator<String> expected, long seed, int count) {
        Random random = new Random(seed);
        for (int i = 0; i < count; i++) {
            check(tok, randomBytes(random), expected);
            check(tok, randomUnicode(random), expected);
        }
    }

    private static void check(Tokenizer tok, String text, UnaryOperator<String> expected) {
        int[] special = tok.encode(text, true, true);
        for (int id : special) assertTrue(id >= 0 && id < tok.vocabSize(), "id " + id);
        tok.decode(special, true);

        int[] ids = tok.encode(text, true, false);
        for (int id : ids) assertTrue(id >= 0 && id < tok.vocabSize(), "id " + id);
        String whole = tok.decode(ids);
        assertEquals(expected.apply(text), whole, () -> "round trip of " + escape(text));

        IncrementalDecoder stream = new IncrementalDecoder(tok);
        StringBuilder sb = new StringBuilder();
        for (int id : ids) sb.append(stream.push(id));
        sb.append(stream.flush());
        String streamed = sb.toString();
        if (tok.vocabulary().addSpacePrefix() && streamed.startsWith(" ")) streamed = streamed.substring(1);
        assertEquals(whole, streamed, () -> "streamed text of " + escape(text));
    }

    private static String randomBytes(Random r) {
        byte[] b = new byte[r.nextInt(48)];
        r.nextBytes(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Code points from ASCII, Latin, CJK, emoji, combining marks, whitespace and the special-token alphabet. */
    private static String randomUnicode(Random r) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(32);
        for (int i = 0; i < n; i++) {
            int cp = switch (r.nextInt(8)) {
                case 0, 1 -> 0x20 + r.nextInt(0x5F);
                case 2 -> 0xA0 + r.nextInt(0x200);
                case 3 -> 0x4E00 + r.nextInt(0x5000);
                case 4 -> 0x1F300 + r.nextInt(0x300);
                case 5 -> pick(r, "\t\n\r \u00A0\u2009\u3000\u0301\u200D\uFE0F\u2581");
                case 6 -> pick(r, "<|>'sS_");
                default -> {
                    int c;
                    do {
                        c = r.nextInt(0x30000);
                    } while (Character.getType(c) == Character.SURROGATE);
                    yield c;
                }
            };
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    private static char pick(Random r, String chars) {
        return chars.charAt(r.nextInt(chars.length()));
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(c -> sb.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c)
                : String.format("\\u{%X}", c)));
        return sb.toString();
    }
}
