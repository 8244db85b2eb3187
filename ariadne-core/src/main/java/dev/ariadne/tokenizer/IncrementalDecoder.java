package dev.ariadne.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Streaming detokenization: feed generated ids one at a time and get back the text they complete. Bytes of a
 * character split across tokens (a byte-level or {@code <0xNN>} token holding half an emoji) are held until the
 * character is whole, so nothing is garbled or lost; {@link #flush()} at the end releases what is left (an unfinished
 * sequence becomes U+FFFD).
 *
 * <p>The text follows what came before (the prompt), so a leading space is kept. Control tokens produce no text
 * unless {@code renderSpecial}. One decoder per stream; not thread-safe.
 *
 * <pre>
 * ids:    [..."🦙" = F0 9F A6 99 as two tokens: F0 9F | A6 99 ...]
 * push -> ""   (F0 9F held: a 4-byte sequence with 2 bytes)
 * push -> "🦙"
 * </pre>
 */
public final class IncrementalDecoder {
    private final Vocabulary vocab;
    private final boolean renderSpecial;
    private byte[] pending = new byte[16];
    private int pendingLength;

    public IncrementalDecoder(Tokenizer tokenizer) {
        this(tokenizer, false);
    }

    public IncrementalDecoder(Tokenizer tokenizer, boolean renderSpecial) {
        this.vocab = tokenizer.vocabulary();
        this.renderSpecial = renderSpecial;
    }

    /** Adds one token; returns the text that is now complete, possibly empty. */
    public String push(int id) {
        byte[] piece = vocab.piece(id, renderSpecial);
        if (pendingLength + piece.length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + piece.length));
        }
        System.arraycopy(piece, 0, pending, pendingLength, piece.length);
        pendingLength += piece.length;
        int complete = completePrefix(pending, pendingLength);
        if (complete == 0) return "";
        String text = new String(pending, 0, complete, StandardCharsets.UTF_8);
        System.arraycopy(pending, complete, pending, 0, pendingLength - complete);
        pendingLength -= complete;
        return text;
    }

    /** Whether bytes of an unfinished character are held. */
    public boolean hasPending() {
        return pendingLength > 0;
    }

    /** The held bytes as text (U+FFFD for an unfinished character); the decoder is empty afterwards. */
    public String flush() {
        String text = new String(pending, 0, pendingLength, StandardCharsets.UTF_8);
        pendingLength = 0;
        return text;
    }

    /**
     * The length of the longest prefix of {@code bytes[0, length)} that does not end inside a UTF-8 sequence which
     * could still be completed. Invalid bytes are not held (they decode to U+FFFD at once).
     */
    static int completePrefix(byte[] bytes, int length) {
        // find the last lead byte among the final 4 bytes
        for (int back = 1; back <= Math.min(4, length); back++) {
            int b = bytes[length - back] & 0xFF;
            if ((b & 0xC0) == 0x80) continue; // continuation byte
            int need = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xC2 && b <= 0xDF ? 2 : 1;
            return back < need ? length - back : length;
        }
        return length;
    }
}
