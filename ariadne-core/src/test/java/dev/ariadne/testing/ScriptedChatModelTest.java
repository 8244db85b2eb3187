package dev.ariadne.testing;

import dev.ariadne.config.CacheConfig;
import dev.ariadne.config.EngineConfig;
import dev.ariadne.config.SchedulingConfig;
import dev.ariadne.engine.Generation;
import dev.ariadne.engine.LLM;
import dev.ariadne.engine.TokenSink;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.sample.SampleLogprobs;
import dev.ariadne.sample.SamplingParams;
import dev.ariadne.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scripted model run by the real engine: a chat prompt ending in a trigger gets the script's text, token for
 * token, then stops at {@code <|im_end|>}. Two models, because the two chat triggers exclude each other: the
 * thinking script needs {@code "\n\n"} (the no-thinking trigger) and the tool call {@code "\n"} (the thinking one).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScriptedChatModelTest {
    /**
     * Qwen3's shape of a reply in thinking mode, less the newline after {@code <think>}: that newline would be the
     * trigger itself, which a bigram cannot emit (see {@link #scriptsABigramCannotSpellAreRefusedWithTheReason}).
     */
    static final String THINKING = "<think>The user greets me.\n</think>\n\nHello there!";
    /**
     * A hermes tool call as Qwen3 writes it, but for the inner object's {@code "city":"Paris"}: json.dumps spacing
     * would need {@code ": } three times, and the vocabulary has only two ways to spell it.
     */
    static final String TOOL_CALL =
            "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\":\"Paris\"}}\n</tool_call>";
    /** A question in a raw completion prompt: any token can be a trigger. */
    static final int QUESTION_MARK = 30;
    static final String ANSWER = "Sunny, 24 degrees.";

    private ScriptedChatModel thinking;
    private ScriptedChatModel tools;
    private LLM thinkingLlm;
    private LLM toolsLlm;
    private Tokenizer tok;
    @TempDir
    Path tmp;

    @BeforeAll
    void load() {
        thinking = ScriptedChatModel.builder().script(ScriptedChatModel.THINKING_PROMPT_END, THINKING)
                .script(QUESTION_MARK, ANSWER).writeCached();
        tools = ScriptedChatModel.builder().script(ScriptedChatModel.NO_THINKING_PROMPT_END, TOOL_CALL).writeCached();
        thinkingLlm = load(thinking);
        toolsLlm = load(tools);
        tok = thinkingLlm.tokenizer().orElseThrow();
    }

    private static LLM load(ScriptedChatModel m) {
        EngineConfig c = EngineConfig.defaults(m.dir()).withThreads(2).withMaxModelLen(256, false)
                .withCache(CacheConfig.defaults().withNumBlocksOverride(32)).withMaxNumBatchedTokens(64)
                .withScheduling(new SchedulingConfig(4, true, null)); // 256 sequences would be 155 MB of logits
        return LLM.load(c, KernelProvider.best(), line -> { });
    }

    @AfterAll
    void close() {
        thinkingLlm.close();
        toolsLlm.close();
    }

    @AfterEach
    void drained() {
        assertTrue(thinkingLlm.engine().scheduler().isDrained(), "leak: requests or blocks left behind");
        assertTrue(toolsLlm.engine().scheduler().isDrained(), "leak: requests or blocks left behind");
    }

    /** A one-turn chat prompt as the Qwen3 template renders it with the generation prompt. */
    private int[] chat(String user, boolean enableThinking) {
        String text = "<|im_start|>user\n" + user + "<|im_end|>\n<|im_start|>assistant\n"
                + (enableThinking ? "" : "<think>\n\n</think>\n\n");
        return tok.encode(text, false, true);
    }

    /** Greedy, stopping at the end-of-generation tokens as a server request does. */
    private SamplingParams untilEnd() {
        return new SamplingParams(0f, 1f, 0, 0, 100, tok.endOfGenerationIds(), false).withLogprobs(1);
    }

    @Test
    void chatPromptsEndInTheTriggers() {
        int[] think = chat("Hi!", true);
        int[] noThink = chat("Hi!", false);
        assertEquals(ScriptedChatModel.THINKING_PROMPT_END, think[think.length - 1]);
        assertEquals(ScriptedChatModel.NO_THINKING_PROMPT_END, noThink[noThink.length - 1]);
        assertEquals("\n", tok.decode(new int[] {ScriptedChatModel.THINKING_PROMPT_END}));
        assertEquals("\n\n", tok.decode(new int[] {ScriptedChatModel.NO_THINKING_PROMPT_END}));
    }

    @Test
    void thinkingChatGetsTheThinkingScript() {
        Generation g = thinkingLlm.generate(chat("Hi!", true), untilEnd(), TokenSink.NONE);
        assertScript(thinking.script(ScriptedChatModel.THINKING_PROMPT_END), g);
        // <think> and </think> are added, not special, tokens: single ids, and the output text shows them. The rest
        // is the longest-first spelling: " greet" "s" where BPE merges to " gre" "ets".
        assertArrayEquals(new int[] {151667, 785, 1196, 40786, 82, 752, 624, 151668, 271, 9707, 1052, 0,
                ScriptedChatModel.IM_END}, g.outputIds());
    }

    @Test
    void noThinkingChatGetsTheToolCall() {
        Generation g = toolsLlm.generate(chat("What is the weather in Paris?", false), untilEnd(), TokenSink.NONE);
        assertScript(tools.script(ScriptedChatModel.NO_THINKING_PROMPT_END), g);
        int[] ids = g.outputIds();
        assertEquals(151657, ids[0]);
        assertEquals(151658, ids[ids.length - 2]);
    }

    @Test
    void anyTokenCanTrigger() {
        int[] prompt = tok.encode("What is the weather in Paris?", false, false);
        assertEquals(QUESTION_MARK, prompt[prompt.length - 1]);
        assertScript(thinking.script(QUESTION_MARK), thinkingLlm.generate(prompt, untilEnd(), TokenSink.NONE));
    }

    private void assertScript(ScriptedChatModel.Script script, Generation g) {
        assertEquals(script.text(), g.text());
        assertArrayEquals(script.outputIds(), g.outputIds());
        assertEquals("stop", g.finishReason());
        for (SampleLogprobs lp : g.logprobs()) {
            // The successor's logit is 100 and every other 0: probability 1 to float precision.
            assertTrue(lp.logprob() > -1e-6f, lp.toString());
        }
    }

    @Test
    void samplingFollowsTheScriptToo() {
        SamplingParams hot = new SamplingParams(1.5f, 1f, 0, 42, 100, tok.endOfGenerationIds(), false);
        List<Generation> out = thinkingLlm.generate(List.of(chat("Hi!", true), chat("Hello?", true)), hot);
        for (Generation g : out) assertEquals(THINKING, g.text());
    }

    @Test
    void aPromptOutsideEveryScriptHasAllLogitsZero() {
        int[] prompt = tok.encode("<|im_start|>", false, true); // in no script: a zero hidden state
        Generation g = thinkingLlm.generate(prompt, SamplingParams.greedy(1).withLogprobs(1), TokenSink.NONE);
        assertEquals(0, g.outputIds()[0], "greedy takes the lowest id on a tie");
        assertEquals(-Math.log(151936), g.logprobs().getFirst().logprob(), 1e-3, "uniform, not NaN");
    }

    @Test
    void theDirectoryIsAHuggingFaceQwen3Model() throws Exception {
        Path dir = thinking.dir();
        for (String f : List.of("config.json", "generation_config.json", "model.safetensors", "tokenizer.json",
                "tokenizer_config.json")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        assertTrue(Files.readString(dir.resolve("config.json")).contains("\"Qwen3ForCausalLM\""));
        assertEquals(64, thinking.hiddenSize());
        assertEquals(1 + thinking.scripts().stream().mapToInt(s -> s.tokenIds().length).sum(), thinking.states());
        assertEquals(64, thinkingLlm.modelConfig().hiddenSize());
        assertEquals(151936, thinkingLlm.modelConfig().vocabSize());
        assertSame(thinking, ScriptedChatModel.builder().script(ScriptedChatModel.THINKING_PROMPT_END, THINKING)
                .script(QUESTION_MARK, ANSWER).writeCached(), "the same scripts share one directory");
    }

    @Test
    void scriptsABigramCannotSpellAreRefusedWithTheReason() {
        // Qwen3's own "<think>\n": the newline is the trigger.
        var e = assertThrows(IllegalArgumentException.class, () -> ScriptedChatModel.builder()
                .script(ScriptedChatModel.THINKING_PROMPT_END, "<think>\nThe user greets me.\n</think>\n\nHello!")
                .write(tmp));
        assertTrue(e.getMessage().contains("script 0 (trigger 198)") && e.getMessage().contains("from byte 7")
                && e.getMessage().contains("\"\\n\" (198, the trigger of script 0)"), e.getMessage());
        // "\n\n" twice, no other way to write it.
        e = assertThrows(IllegalArgumentException.class, () -> ScriptedChatModel.builder()
                .script(QUESTION_MARK, "<think>\n\nHm.\n</think>\n\nHello!").write(tmp));
        assertTrue(e.getMessage().contains("script 0 (trigger 30)")
                && e.getMessage().contains("needs some token twice"), e.getMessage());
        // json.dumps spacing: '": ' three times.
        e = assertThrows(IllegalArgumentException.class, () -> ScriptedChatModel.builder()
                .script(ScriptedChatModel.NO_THINKING_PROMPT_END,
                        "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>")
                .write(tmp));
        assertTrue(e.getMessage().contains("needs some token twice"), e.getMessage());
        // A token of one script is taken for the next.
        e = assertThrows(IllegalArgumentException.class, () -> ScriptedChatModel.builder()
                .script(QUESTION_MARK, "<think>").script(0, "<think>").write(tmp));
        assertTrue(e.getMessage().contains("script 1 (trigger 0)")
                && e.getMessage().contains("(151667, used by script 0 (trigger 30))"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScriptedChatModel.builder()
                .script(QUESTION_MARK, "Bye.<|im_end|>").write(tmp));
        assertTrue(e.getMessage().contains("control token <|im_end|>"), e.getMessage());
    }

    @Test
    void moreStatesThanTheHiddenSizeAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> ScriptedChatModel.builder().hiddenSize(8)
                .script(QUESTION_MARK, "One two three four five six seven eight.")
                .write(tmp));
        assertTrue(e.getMessage().contains("need 10 states") && e.getMessage().contains("hidden size is 8"),
                e.getMessage());
    }
}
