package dev.ariadne.engine;

import dev.ariadne.config.EngineConfig;
import dev.ariadne.config.ModelConfig;
import dev.ariadne.io.ModelSource;
import dev.ariadne.kv.ContiguousKvCache;
import dev.ariadne.kv.KvCacheDType;
import dev.ariadne.kv.KvRows;
import dev.ariadne.memory.KvCacheSizing;
import dev.ariadne.model.DecoderModel;
import dev.ariadne.model.ModelWeights;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.sample.SampleLogprobs;
import dev.ariadne.sample.SamplingParams;
import dev.ariadne.tensor.ops.ComputePool;
import dev.ariadne.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import java.util.logging.Logger;

/**
 * The in-process engine: load a model, then generate for one prompt or a batch of prompts, streaming or not, through
 * the same serving engine the server uses (paged KV cache, continuous batching, chunked prefill, prefix caching,
 * preemption). Also scores a sequence (logits at every position) for perplexity.
 *
 * <pre>{@code
 * try (LLM llm = LLM.load(EngineConfig.defaults(Path.of("model.gguf")))) {
 *     List<Generation> out = llm.generate(List.of(prompt1, prompt2), SamplingParams.greedy(32));
 * }
 * }</pre>
 *
 * Methods are synchronized: concurrent callers take turns, each call driving the engine until its own requests
 * finish (requests of one call are batched together).
 */
public final class LLM implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LLM.class.getName());

    private final EngineConfig config;
    private final ComputePool pool;
    private final KernelProvider kernels;
    private final ModelSource source;
    private final ModelWeights weights;
    private final DecoderModel model;
    private final KvRows kvRows;
    private final int maxModelLen;
    private final EngineCore engine;
    private final List<String> startupReport;
    private final KvCacheSizing kvCacheSizing;
    private ContiguousKvCache scoringKv;
    private Optional<Tokenizer> tokenizer;

    private LLM(EngineConfig config, ComputePool pool, KernelProvider kernels, ModelSource source,
                Consumer<String> log) {
        this.config = config;
        this.pool = pool;
        this.kernels = kernels;
        this.source = source;
        ModelConfig stated = source.config();
        if (config.ropeScaling() != null) stated = stated.withRopeScaling(config.ropeScaling());
        if (config.dualChunk() != null) stated = stated.withDualChunk(config.dualChunk());
        this.weights = ModelWeights.load(source, kernels, stated);
        ModelConfig mc = weights.config();
        this.maxModelLen = resolveMaxModelLen(config, mc);
        int maxSeqs = config.scheduling().maxNumSeqs();
        if (config.maxNumBatchedTokens() < maxSeqs) {
            throw new IllegalArgumentException("--max-num-batched-tokens (" + config.maxNumBatchedTokens()
                    + ") must be at least --max-num-seqs (" + maxSeqs + ")");
        }
        this.model = new DecoderModel(weights, pool, kernels, config.maxNumBatchedTokens(), maxModelLen,
                config.mlaAbsorbPrefill());
        this.kvRows = new KvRows(KvCacheDType.resolve(config.kvCacheDType(), weights.dominantType()), kernels);
        EngineBuilder built = EngineBuilder.build(config, model, kvRows, maxModelLen, tokenizer().orElse(null));
        this.engine = built.engine();
        this.startupReport = built.report();
        this.kvCacheSizing = built.sizing();
        for (String line : startupReport) log.accept(line);
    }

    /**
     * vLLM's rule: the default is the context the model covers (its stated context, stretched by a rope scaling:
     * YaRN's original context x factor); beyond it only with --allow-long-max-model-len.
     */
    private static int resolveMaxModelLen(EngineConfig config, ModelConfig mc) {
        int covered = mc.ropeScaling().coveredContext(mc.contextLength());
        if (config.maxModelLen() == 0) {
            return covered;
        }
        if (config.maxModelLen() > covered) {
            String what = mc.ropeScaling().isNone() ? "the model's context length " + covered
                    : "the " + covered + " tokens its rope scaling (" + mc.ropeScaling() + ") covers";
            if (!config.allowLongMaxModelLen()) {
                throw new IllegalArgumentException("--max-model-len " + config.maxModelLen() + " exceeds " + what
                        + "; pass --allow-long-max-model-len to run anyway (outputs may be wrong)");
            }
            LOG.warning("max model length " + config.maxModelLen() + " exceeds " + what);
        }
        return config.maxModelLen();
    }

    /** Loads the model and starts the engine; the start-up report goes to standard error. */
    public static LLM load(EngineConfig config) {
        return load(config, KernelProvider.best());
    }

    /** Loads with the given kernels ({@link KernelProvider#scalar()} runs the scalar reference kernels). */
    public static LLM load(EngineConfig config, KernelProvider kernels) {
        return load(config, kernels, line -> System.err.println("INFO " + line));
    }

    /** Loads, sending the start-up report's lines to {@code log}. */
    public static LLM load(EngineConfig config, KernelProvider kernels, Consumer<String> log) {
        ComputePool pool = new ComputePool(config.threads());
        ModelSource source = null;
        try {
            source = ModelLoader.open(config.model(), ModelLoader.parseLoadFormat(config.loadFormat()),
                    config.dummyWeightType(), config.seed(), pool);
            return new LLM(config, pool, kernels, source, log);
        } catch (RuntimeException e) {
            if (source != null) source.close();
            pool.close();
            throw e;
        }
    }

    public ModelConfig modelConfig() {
        return weights.config();
    }

    public ModelWeights weights() {
        return weights;
    }

    public ModelSource source() {
        return source;
    }

    /** The model's tokenizer, loaded on first use; empty when the model ships none (e.g. dummy weights). */
    public synchronized Optional<Tokenizer> tokenizer() {
        if (tokenizer == null) {
            tokenizer = source.tokenizer();
        }
        return tokenizer;
    }

    public KernelProvider kernels() {
        return kernels;
    }

    public KvCacheDType kvCacheDType() {
        return kvRows.dtype();
    }

    public int maxModelLen() {
        return maxModelLen;
    }

    public EngineConfig config() {
        return config;
    }

    /** The engine core, for callers that drive steps themselves (the server's engine thread). */
    public EngineCore engine() {
        return engine;
    }

    /** What the engine logged at start-up: memory budget, KV cache size, maximum concurrency. */
    public List<String> startupReport() {
        return startupReport;
    }

    /** How the KV cache was sized at start-up (budget, blocks, concurrency). */
    public KvCacheSizing kvCacheSizing() {
        return kvCacheSizing;
    }

    /** Generates from {@code prompt} (ids used exactly as given), calling {@code sink} per token as it is sampled. */
    public synchronized Generation generate(int[] prompt, SamplingParams params, TokenSink sink) {
        return run(List.of(prompt), List.of(params), sink).getFirst();
    }

    /** Generates for every prompt at once (continuous batching); results in input order. */
    public List<Generation> generate(List<int[]> prompts, SamplingParams params) {
        return generate(prompts, java.util.Collections.nCopies(prompts.size(), params));
    }

    /** Generates for every prompt with its own parameters, all submitted together; results in input order. */
    public synchronized List<Generation> generate(List<int[]> prompts, List<SamplingParams> params) {
        return run(prompts, params, null);
    }

    private List<Generation> run(List<int[]> prompts, List<SamplingParams> params, TokenSink sink) {
        if (prompts.size() != params.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + params.size() + " sampling params");
        }
        RequestOutput[] outputs = new RequestOutput[prompts.size()];
        List<Long> ids = new ArrayList<>();
        try {
            for (int i = 0; i < prompts.size(); i++) {
                int slot = i;
                SamplingParams p = params.get(i);
                ids.add(engine.add(prompts.get(i), p, p.stop(), 0, new RequestListener() {
                    @Override
                    public void onToken(long requestId, int index, int token, String textDelta,
                                        SampleLogprobs logprobs) {
                        if (sink != null && index >= 0) sink.accept(index, token);
                    }

                    @Override
                    public void onFinish(RequestOutput output) {
                        outputs[slot] = output;
                    }
                }));
            }
            int done = 0;
            while (done < outputs.length) {
                if (!engine.step() && !engine.hasUnfinished()) break;
                done = 0;
                for (RequestOutput o : outputs) if (o != null) done++;
            }
        } catch (RuntimeException | Error e) {
            for (long id : ids) engine.abort(id); // never leave blocks behind
            throw e;
        }
        List<Generation> result = new ArrayList<>(outputs.length);
        for (RequestOutput o : outputs) result.add(Generation.of(o));
        return result;
    }

    private ContiguousKvCache scoringCache(int tokens) {
        if (scoringKv == null || scoringKv.capacity() < tokens) {
            if (scoringKv != null) scoringKv.close();
            ModelConfig c = weights.config();
            // Grow geometrically so a session of growing requests reallocates rarely.
            int capacity = Math.min(maxModelLen, Math.max(tokens, scoringKv == null ? 0 : 2 * scoringKv.capacity()));
            scoringKv = ContiguousKvCache.forModel(c, capacity, kvRows);
        }
        return scoringKv;
    }

    /**
     * Logits at every position of {@code tokens} (evaluated from an empty cache at positions 0..n-1), passed row
     * by row to {@code consumer}: row i predicts token i+1. With per-request rope scaling the tokens are a request of
     * no max tokens: unscaled when they fit the original context.
     */
    public synchronized void scoreAll(int[] tokens, LogitsConsumer consumer) {
        if (tokens.length > maxModelLen) {
            throw new IllegalArgumentException(tokens.length + " tokens exceed the context limit of " + maxModelLen);
        }
        ContiguousKvCache cache = scoringCache(tokens.length);
        boolean unscaled = tokens.length <= config.ropeScalingMode().unscaledUpTo(weights.config().ropeScaling());
        int vocab = weights.config().vocabSize();
        // Bound the logits buffer for large vocabularies: at most ~64 MiB of rows per forward step.
        int chunk = Math.max(1, Math.min(model.maxTokens(), (16 << 20) / vocab));
        float[] logits = new float[chunk * vocab];
        for (int off = 0; off < tokens.length; off += chunk) {
            int n = Math.min(chunk, tokens.length - off);
            model.forward(tokens, off, n, off, cache, logits, true, tokens.length, unscaled);
            for (int i = 0; i < n; i++) {
                consumer.accept(off + i, logits, i * vocab);
            }
        }
    }

    /** Receives one row of logits: {@code logits[offset .. offset + vocab)} for {@code position}. */
    @FunctionalInterface
    public interface LogitsConsumer {
        void accept(int position, float[] logits, int offset);
    }

    @Override
    public synchronized void close() {
        if (scoringKv != null) scoringKv.close();
        engine.close();
        source.close();
        pool.close();
    }
}
