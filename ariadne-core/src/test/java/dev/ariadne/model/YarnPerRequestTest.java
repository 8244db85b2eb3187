package dev.ariadne.model;

import dev.ariadne.config.EngineConfig;
import dev.ariadne.config.RopeScalingMode;
import dev.ariadne.engine.EngineCore;
import dev.ariadne.engine.Generation;
import dev.ariadne.engine.LLM;
import dev.ariadne.engine.RequestListener;
import dev.ariadne.engine.RequestOutput;
import dev.ariadne.kv.ContiguousKvCache;
import dev.ariadne.kv.KvCacheDType;
import dev.ariadne.kv.KvRows;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.sample.SampleLogprobs;
import dev.ariadne.sample.SamplingParams;
import dev.ariadne.sched.Request;
import dev.ariadne.tensor.ops.ComputePool;
import dev.ariadne.testing.Reference;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-request YaRN ({@code --rope-scaling-mode per-request}) on the kit's qwen3-yarn-F32 (context 256, YaRN x4):
 * one engine, one copy of the weights; a request that fits the original 256 tokens equals the unscaled model
 * (llama.cpp's qwen3-F32 kv_f32 run), a longer one equals llama.cpp's YaRN run (yarn_gguf_kv_f32); the two side by
 * side in the same forward steps give the same. F32 weights and KV: max |Δlogit| ≤ 1e-3, as ReferenceLogitsTest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class YarnPerRequestTest {
    private static final double MAX_DIFF = 1e-3;

    private final List<String> startup = new ArrayList<>();
    private LLM llm;
    private Reference.Entry shortRun; // qwen3-F32 p64 kv_f32: the unscaled model
    private Reference.Entry longRun;  // qwen3-yarn-F32 p900_yarn yarn_gguf_kv_f32

    @BeforeAll
    void load() {
        shortRun = entry("models/qwen3/qwen3-F32.gguf", "p64", "kv_f32");
        longRun = entry("models/qwen3/qwen3-yarn-F32.gguf", "p900_yarn", "yarn_gguf_kv_f32");
        EngineConfig c = EngineConfig.defaults(SharedKit.file(longRun.model())).withThreads(2).withKvCacheDType("f32")
                .withRopeScalingMode(RopeScalingMode.PER_REQUEST);
        llm = LLM.load(c, KernelProvider.best(), startup::add);
    }

    @AfterAll
    void close() {
        llm.close();
    }

    @AfterEach
    void drained() {
        assertTrue(llm.engine().scheduler().isDrained(), "leak: requests or blocks left behind");
    }

    private static Reference.Entry entry(String model, String prompt, String variant) {
        return Reference.entries().stream()
                .filter(e -> e.model().equals(model) && e.prompt().equals(prompt) && e.variant().equals(variant))
                .findFirst().orElseThrow(() -> new AssertionError("no reference run " + model + " " + prompt + " "
                        + variant));
    }

    @Test
    void startUpSaysWhichRequestsRunUnscaled() {
        assertEquals(1024, llm.maxModelLen(), "per-request mode keeps what YaRN covers: 256 x 4");
        assertTrue(startup.contains("RoPE scaling per request: requests up to 256 tokens (prompt + max_tokens) run"
                + " unscaled, longer ones with yarn factor 4"), String.join("\n", startup));
    }

    @Test
    void shortPromptEqualsTheUnscaledModelAndLongOneTheYarnRun() {
        ReferenceLogitsTest.Diff s = ReferenceLogitsTest.compare(llm, shortRun.promptIds(), shortRun.logits());
        ReferenceLogitsTest.Diff l = ReferenceLogitsTest.compare(llm, longRun.promptIds(), longRun.logits());
        System.out.printf("per-request yarn: p64 vs unscaled kv_f32 max |Δ| %.3g mean %.3g;"
                + " p900 vs yarn_gguf_kv_f32 max |Δ| %.3g mean %.3g%n", s.max(), s.mean(), l.max(), l.mean());
        assertTrue(s.max() <= MAX_DIFF, "p64 unscaled: max |Δ| " + s.max() + " (mean " + s.mean() + ")");
        assertTrue(l.max() <= MAX_DIFF, "p900 yarn: max |Δ| " + l.max() + " (mean " + l.mean() + ")");
    }

    /**
     * Both sequences in each of two forward steps (p64 in halves of 32, p900 in 480 + 420), all logits: each row
     * equals its own reference; and the short one rotated with the model's YaRN is far from the unscaled run, so the
     * check is not vacuous.
     */
    @Test
    void bothRopesInTheSameForwardSteps() {
        int[] a = shortRun.promptIds(), b = longRun.promptIds();
        float[][] refA = shortRun.logits(), refB = longRun.logits();
        var c = llm.modelConfig();
        int vocab = c.vocabSize();
        KvRows rows = new KvRows(KvCacheDType.FP32, llm.kernels());
        try (ComputePool pool = new ComputePool(2);
             ContiguousKvCache kvA = new ContiguousKvCache(c.numLayers(), c.numKvHeads(), c.headDim(), 1024, rows);
             ContiguousKvCache kvB = new ContiguousKvCache(c.numLayers(), c.numKvHeads(), c.headDim(), 1024, rows)) {
            DecoderModel model = new DecoderModel(llm.weights(), pool, llm.kernels(), 512, 1024);
            ForwardBatch batch = new ForwardBatch(512, 2);
            float[] logits = new float[512 * vocab];
            double[] maxA = new double[1], maxB = new double[1];
            int[][] steps = {{0, 32, 0, 480}, {32, 32, 480, 420}}; // a from, a count, b from, b count
            for (int[] st : steps) {
                batch.clear();
                int sa = batch.addSequence(kvA, a, st[0], st[1], st[0], false);
                batch.setRopeUnscaled(sa, true);
                batch.addSequence(kvB, b, st[2], st[3], st[2], false);
                batch.requestAllLogits();
                model.forward(batch, logits);
                for (int t = 0; t < st[1]; t++) maxA[0] = Math.max(maxA[0], maxDiff(logits, t, refA[st[0] + t]));
                for (int t = 0; t < st[3]; t++) {
                    maxB[0] = Math.max(maxB[0], maxDiff(logits, st[1] + t, refB[st[2] + t]));
                }
            }
            System.out.printf("one forward, two ropes: p64 unscaled max |Δ| %.3g; p900 yarn max |Δ| %.3g%n",
                    maxA[0], maxB[0]);
            assertTrue(maxA[0] <= MAX_DIFF, "p64 unscaled next to p900: max |Δ| " + maxA[0]);
            assertTrue(maxB[0] <= MAX_DIFF, "p900 yarn next to p64: max |Δ| " + maxB[0]);

            batch.clear();
            batch.addSequence(kvA, a, 0, a.length, 0, false);
            batch.requestAllLogits();
            model.forward(batch, logits);
            double scaled = 0;
            for (int t = 0; t < a.length; t++) scaled = Math.max(scaled, maxDiff(logits, t, refA[t]));
            assertTrue(scaled > 0.1, "p64 with YaRN should differ from the unscaled run, max |Δ| " + scaled);
        }
    }

    private static double maxDiff(float[] logits, int row, float[] ref) {
        double m = 0;
        int off = row * ref.length;
        for (int j = 0; j < ref.length; j++) {
            double d = Math.abs(logits[off + j] - ref[j]);
            m = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(m, d);
        }
        return m;
    }

    /**
     * Through the serving engine: both requests added together and scheduled in the same steps (chunked prefill of
     * p900 next to p64's prompt, then both decoding); each continues as llama.cpp's greedy run of its kind, and the
     * first token's top logprobs equal the reference's last-row log-softmax.
     */
    @Test
    void servedConcurrentlyByOneEngine() {
        EngineCore engine = llm.engine();
        SamplingParams params = SamplingParams.greedy(32).withLogprobs(SamplingParams.MAX_LOGPROBS);
        RequestOutput[] out = new RequestOutput[2];
        long idShort = engine.add(shortRun.promptIds(), params, List.of(), 0, collect(out, 0));
        long idLong = engine.add(longRun.promptIds(), params, List.of(), 0, collect(out, 1));
        Request rs = engine.scheduler().request(idShort), rl = engine.scheduler().request(idLong);
        assertTrue(rs.ropeUnscaled(), "64 + 32 tokens fit the original 256");
        assertFalse(rl.ropeUnscaled(), "900 + 32 tokens do not");
        int together = 0;
        while (out[0] == null || out[1] == null) {
            int cs = rs.numComputedTokens(), cl = rl.numComputedTokens();
            assertTrue(engine.step(), "the engine stalled");
            if (rs.numComputedTokens() > cs && rl.numComputedTokens() > cl) together++;
        }
        assertTrue(together >= 30, "the two requests shared only " + together + " steps");
        checkAgainst(shortRun, out[0]);
        checkAgainst(longRun, out[1]);
    }

    private static RequestListener collect(RequestOutput[] out, int slot) {
        return new RequestListener() {
            @Override
            public void onToken(long requestId, int index, int token, String textDelta, SampleLogprobs logprobs) {
            }

            @Override
            public void onFinish(RequestOutput output) {
                out[slot] = output;
            }
        };
    }

    private static void checkAgainst(Reference.Entry e, RequestOutput o) {
        assertArrayEquals(e.greedy(), o.outputIds(), e + ": greedy continuation");
        assertNotNull(o.logprobs());
        SampleLogprobs first = o.logprobs().getFirst();
        float[] last = e.logits()[e.nPrompt() - 1];
        double lse = logSumExp(last);
        int[] ids = first.topIds();
        float[] lps = first.topLogprobs();
        double m = 0;
        for (int i = 0; i < ids.length; i++) m = Math.max(m, Math.abs(lps[i] - (last[ids[i]] - lse)));
        System.out.printf("%s engine first-token top-%d logprobs max |Δ| %.3g%n", e, ids.length, m);
        assertTrue(m <= MAX_DIFF, e + ": first-token logprobs max |Δ| " + m);
    }

    private static double logSumExp(float[] x) {
        double max = Double.NEGATIVE_INFINITY, s = 0;
        for (float v : x) max = Math.max(max, v);
        for (float v : x) s += Math.exp(v - max);
        return max + Math.log(s);
    }

    /** Preempted (recompute) and resumed, each request keeps its rope and reaches the same tokens. */
    @Test
    void preemptionKeepsTheChoice() {
        // 64 blocks of 16 hold one 1024-token request: p900 (59 blocks at its end) and p64 (6) cannot both finish
        // without the newest (p900) being preempted and recomputed.
        EngineConfig c = llm.config().withCache(llm.config().cache().withNumBlocksOverride(64));
        try (LLM small = LLM.load(c, KernelProvider.best(), line -> { })) {
            List<Generation> g = small.generate(List.of(shortRun.promptIds(), longRun.promptIds()),
                    SamplingParams.greedy(32));
            assertTrue(g.get(0).numPreemptions() + g.get(1).numPreemptions() > 0, "nothing was preempted");
            assertArrayEquals(shortRun.greedy(), g.get(0).outputIds(), "p64 after preemption");
            assertArrayEquals(longRun.greedy(), g.get(1).outputIds(), "p900 after preemption");
            assertTrue(small.engine().scheduler().isDrained());
        }
    }

    /**
     * The same prompt as a short request (unscaled) and a long one (max_tokens past 256: YaRN) never shares cached
     * blocks; a second short request does. The long one's first token is YaRN's, which a shared unscaled block
     * would have changed.
     */
    @Test
    void scaledAndUnscaledNeverShareCachedBlocks() {
        int[] p = shortRun.promptIds();
        Generation first = llm.generate(p, SamplingParams.greedy(8), (i, t) -> { });
        Generation longer = llm.generate(p, SamplingParams.greedy(300).withLogprobs(1), (i, t) -> { });
        Generation again = llm.generate(p, SamplingParams.greedy(8), (i, t) -> { });
        assertEquals(0, longer.numCachedTokens(), "a YaRN request reused unscaled blocks");
        assertEquals(48, again.numCachedTokens(), "the unscaled request should find its 3 full blocks");
        assertArrayEquals(first.outputIds(), again.outputIds());
        // p64 under YaRN, scored in a static-mode sense: its first token is the argmax of YaRN's last row.
        EngineConfig staticYarn = llm.config().withRopeScalingMode(RopeScalingMode.STATIC);
        try (LLM s = LLM.load(staticYarn, KernelProvider.best(), line -> { })) {
            Generation g = s.generate(p, SamplingParams.greedy(300).withLogprobs(1), (i, t) -> { });
            assertArrayEquals(g.outputIds(), longer.outputIds(), "per-request long = static YaRN");
            assertEquals(g.logprobs().getFirst().logprob(), longer.logprobs().getFirst().logprob(), 1e-4);
        }
    }
}
