package dev.ariadne.tokenizer;

import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streaming detokenization (characters split across tokens) and stop strings spanning tokens. */
class TokStreamingTest {

    /** The synthetic 1024-token vocabulary has no merges for emoji: each of its 4 bytes is a token of its own. */
    @Test
    void characterSplitAcrossByteLevelTokensIsHeldUntilWhole() {
        Tokenizer tok = Tokenizers.fromGGUF(SharedKit.file("models/qwen3/qwen3-F32.gguf"));
        String text = "llama 🦙 and ß, 日本語 👍🏽!";
        int[] ids = tok.encode(text, false, false);
        IncrementalDecoder stream = new IncrementalDecoder(tok);
        StringBuilder out = new StringBuilder();
        int held = 0;
        for (int id : ids) {
            String piece = stream.push(id);
            assertFalse(piece.contains("\uFFFD"), "garbled piece after id " + id);
            if (piece.isEmpty() && stream.hasPending()) held++;
            out.append(piece);
        }
        assertFalse(stream.hasPending());
        out.append(stream.flush());
        assertEquals(text, out.toString());
        assertTrue(held >= 3, "expected characters split across tokens, held " + held + " times");
    }

    @Test
    void sentencePieceByteFallbackStreams() {
        Tokenizer tok = KitTokenizers.stories260K();
        String text = "Zoo 日本 🦙";
        int[] ids = tok.encode(text, false, false);
        IncrementalDecoder stream = new IncrementalDecoder(tok);
        StringBuilder out = new StringBuilder();
        for (int id : ids) out.append(stream.push(id));
        out.append(stream.flush());
        assertEquals(" " + text, out.toString(), "streamed text keeps the dummy-prefix space");
        assertEquals(text, tok.decode(ids));
    }

    @Test
    void controlTokensAreHiddenUnlessRendered() {
        Tokenizer tok = KitTokenizers.qwen3Gguf();
        int[] ids = tok.encode("<|im_start|>assistant\nHi<|im_end|>", false, true);
        assertEquals("assistant\nHi", stream(new IncrementalDecoder(tok), ids));
        assertEquals("<|im_start|>assistant\nHi<|im_end|>", stream(new IncrementalDecoder(tok, true), ids));
        int[] think = tok.encode("<think>x</think>", false, false);
        assertEquals("<think>x</think>", stream(new IncrementalDecoder(tok), think), "user-defined tokens show");
    }

    @Test
    void unfinishedCharacterFlushesAsReplacement() {
        Tokenizer tok = Tokenizers.fromGGUF(SharedKit.file("models/qwen3/qwen3-F32.gguf"));
        byte[] emoji = "🦙".getBytes(StandardCharsets.UTF_8);
        IncrementalDecoder stream = new IncrementalDecoder(tok);
        assertEquals(4, emoji.length);
        assertEquals(4, IncrementalDecoder.completePrefix(emoji, 4));
        assertEquals(0, IncrementalDecoder.completePrefix(emoji, 3));
        assertEquals(0, IncrementalDecoder.completePrefix(emoji, 1));
        byte[] invalid = {(byte) 0x80, (byte) 0x80};
        assertEquals(2, IncrementalDecoder.completePrefix(invalid, 2), "stray continuation bytes are not held");
        int firstByte = tok.vocabulary().id(String.valueOf(ByteLevel.charOf(emoji[0])));
        assertEquals("", stream.push(firstByte));
        assertEquals("\uFFFD", stream.flush());
    }

    @Test
    void stopStringSpanningTokensIsFoundAndCut() {
        Tokenizer tok = KitTokenizers.qwen3Gguf();
        String text = "The answer is 42</answer> and more text";
        int[] ids = tok.encode(text, false, false);
        IncrementalDecoder stream = new IncrementalDecoder(tok);
        StopStringMatcher stops = new StopStringMatcher(List.of("</answer>", "never"));
        StringBuilder out = new StringBuilder();
        int tokensWithPartOfStop = 0;
        String stop = null;
        for (int id : ids) {
            String piece = stream.push(id);
            if (!piece.isEmpty() && "</answer>".contains(piece.strip())) tokensWithPartOfStop++;
            StopStringMatcher.Step step = stops.push(piece);
            out.append(step.text());
            if (step.stopped()) {
                stop = step.stop();
                break;
            }
        }
        assertTrue(tokensWithPartOfStop >= 2, "the stop string should span tokens");
        assertEquals("</answer>", stop);
        assertEquals("The answer is 42", out.toString());
        assertTrue(stops.stopped());
        assertEquals("", stops.push("more").text());
    }

    @Test
    void textThatOnlyLooksLikeAStopStringIsReleased() {
        StopStringMatcher stops = new StopStringMatcher(List.of("</answer>", "STOP"));
        assertEquals("42", stops.push("42</ans").text());
        assertEquals("", stops.push("w").text(), "'</answ' may still become '</answer>'");
        assertEquals("</answX", stops.push("X").text());
        assertFalse(stops.stopped());
        StopStringMatcher s2 = new StopStringMatcher(List.of("STOP"));
        assertEquals("a", s2.push("aST").text());
        assertEquals("STa", s2.push("a").text());
        assertEquals("", s2.push("ST").text());
        assertEquals("ST", s2.flush(), "held text comes out at the end");
        StopStringMatcher s3 = new StopStringMatcher(List.of("STOP"));
        StopStringMatcher.Step step = s3.push("xSTOPy");
        assertEquals("x", step.text());
        assertEquals("STOP", step.stop());
    }

    private static String stream(IncrementalDecoder d, int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) sb.append(d.push(id));
        return sb.append(d.flush()).toString();
    }
}
