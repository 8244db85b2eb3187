package dev.ariadne.tokenizer;

import dev.ariadne.json.Json;
import dev.ariadne.json.JsonObject;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SentencePiece tokenizer of stories260K against llama.cpp's tokenizations and greedy outputs in the kit. */
class TokStories260KTest {
    private final Tokenizer tok = KitTokenizers.stories260K();

    @Test
    void specialIdsAsLlamaCppReadsThem() {
        assertEquals(512, tok.vocabSize());
        assertEquals(1, tok.bosId());
        assertEquals(2, tok.eosId());
        assertTrue(tok.addBos());
        assertTrue(tok.vocabulary().addSpacePrefix());
        assertTrue(tok.isEndOfGeneration(2));
        assertTrue(tok.isControl(1));
        assertEquals(TokenType.UNKNOWN, tok.vocabulary().type(0));
        assertEquals(TokenType.BYTE, tok.vocabulary().type(13));
    }

    /** llama-perplexity reads story.txt without its final newline and tokenizes it with BOS: 2015 tokens. */
    @Test
    void perplexityStoryTokenizesExactly() {
        String story = SharedKit.read("reference/perplexity/story.txt");
        assertTrue(story.endsWith("\n"));
        story = story.substring(0, story.length() - 1);
        int[] expected = ids(Json.parse(SharedKit.read("reference/perplexity/story.tokens.json")));
        assertEquals(2015, expected.length);
        assertArrayEquals(expected, tok.encode(story, true, false));
        assertEquals(story, tok.decode(tok.encode(story, true, false)));
    }

    @Test
    void promptsTokenizeAsInPromptsJson() {
        JsonObject stories = prompts().getObject("stories260K");
        for (String name : List.of("zoo", "once", "story")) {
            JsonObject p = stories.getObject(name);
            String text = p.getString("text");
            assertArrayEquals(ids(p.raw("ids")), tok.encode(text, true, false), name);
            assertEquals(text, tok.decode(tok.encode(text, true, false)), name);
        }
    }

    /** "Zoo" and its greedy continuation read as llama-simple prints them (reference README section 8). */
    @Test
    void greedyContinuationsDecodeToEnglish() {
        int[] zoo = ids(prompts().getObject("stories260K").getObject("zoo").raw("ids"));
        int[] continuation = continuation("zoo");
        int[] all = concat(zoo, continuation);
        String text = tok.decode(all);
        assertTrue(text.startsWith("Zoo was a little girl named Lily. She loved to play outside in the park."), text);
        // decode() reads its ids as a whole text, so the dummy-prefix space goes (as llama.cpp's detokenize without
        // BOS); streaming a continuation keeps it, since the text follows the prompt
        assertTrue(tok.decode(continuation).startsWith("was a little girl"), tok.decode(continuation));
        IncrementalDecoder stream = new IncrementalDecoder(tok);
        StringBuilder streamed = new StringBuilder();
        for (int id : continuation) streamed.append(stream.push(id));
        streamed.append(stream.flush());
        assertTrue(streamed.toString().startsWith(" was a little girl"), streamed.toString());

        String once = tok.decode(concat(ids(prompts().getObject("stories260K").getObject("once").raw("ids")),
                continuation("once")));
        assertTrue(once.startsWith("Once upon a time, there was a little girl named Lily."), once);
        String story = tok.decode(continuation("story"));
        assertTrue(story.chars().allMatch(c -> c == '\n' || (c >= ' ' && c < 127)), story);
    }

    private static int[] continuation(String prompt) {
        for (Object o : JsonObject.parse(SharedKit.read("reference/index.json"), "index.json").getArray("entries")) {
            @SuppressWarnings("unchecked")
            JsonObject e = new JsonObject((Map<String, Object>) o, "index.json entry");
            if (e.getString("model").contains("stories260K") && e.getString("prompt").equals(prompt)
                    && e.getString("variant").equals("main")) {
                return ids(e.raw("greedy_continuation"));
            }
        }
        throw new AssertionError("no stories260K main entry for " + prompt + " in index.json");
    }

    private static JsonObject prompts() {
        return JsonObject.parse(SharedKit.read("reference/prompts.json"), "prompts.json");
    }

    @SuppressWarnings("unchecked")
    static int[] ids(Object list) {
        return ((List<Object>) list).stream().mapToInt(o -> (int) (long) (Long) o).toArray();
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
