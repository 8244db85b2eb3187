package dev.ariadne.engine;

import dev.ariadne.config.EngineConfig;
import dev.ariadne.config.ModelConfig;
import dev.ariadne.io.ModelSource;
import dev.ariadne.kv.ContiguousKvCache;
import dev.ariadne.kv.KvCacheDType;
import dev.ariadne.kv.KvRows;
import dev.ariadne.model.DecoderModel;
import dev.ariadne.model.ModelWeights;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.sample.Sampler;
import dev.ariadne.sample.SamplingParams;
import dev.ariadne.tensor.ops.ComputePool;
import dev.ariadne.tokenizer.Tokenizer;

import java.util.Optional;
import java.util.SplittableRandom;

import java.util.logging.Logger;

/**
 * The in-process engine for one sequence at a time: load a model, generate from token ids, score a sequence. It
 * owns the compute pool, the weights (memory-mapped), the model's workspace and one KV cache, grown on demand up to
 * the context limit. Not thread-safe: one caller at a time (the serving engine will own scheduling).
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
    private final Sampler sampler;
    private final float[] lastLogits;
    private final int[] oneToken = new int[1];
    private final int maxModelLen;
    private ContiguousKvCache kv;
    private Optional<Tokenizer> tokenizer;

    private LLM(EngineConfig config, ComputePool pool, KernelProvider kernels, ModelSource source) {
        this.config = config;
        this.pool = pool;
        this.kernels = kernels;
        this.source = source;
        this.weights = ModelWeights.load(source, kernels);
        ModelConfig mc = weights.config();
        this.maxModelLen = resolveMaxModelLen(config, mc);
        this.model = new DecoderModel(weights, pool, kernels, Math.min(config.maxNumBatchedTokens(), maxModelLen),
                maxModelLen);
        this.kvRows = new KvRows(KvCacheDType.parse(config.kvCacheDType(), weights.dominantType()), kernels);
        this.sampler = new Sampler(mc.vocabSize());
        this.lastLogits = new float[mc.vocabSize()];
    }

    private static int resolveMaxModelLen(EngineConfig config, ModelConfig mc) {
        if (config.maxModelLen() == 0) {
            return mc.contextLength();
        }
        if (config.maxModelLen() > mc.contextLength()) {
            if (!config.allowLongMaxModelLen()) {
                throw new IllegalArgumentException("--max-model-len " + config.maxModelLen()
                        + " exceeds the model's context length " + mc.contextLength()
                        + "; pass --allow-long-max-model-len to run anyway (outputs may be wrong)");
            }
            LOG.warning("max model length " + config.maxModelLen() + " exceeds the model's stated context length "
                    + mc.contextLength());
        }
        return config.maxModelLen();
    }

    public static LLM load(EngineConfig config) {
        return load(config, KernelProvider.best());
    }

    /** Loads with the given kernels ({@link KernelProvider#scalar()} runs the scalar reference kernels). */
    public static LLM load(EngineConfig config, KernelProvider kernels) {
        ComputePool pool = new ComputePool(config.threads());
        ModelSource source = null;
        try {
            source = ModelLoader.open(config.model(), ModelLoader.parseLoadFormat(config.loadFormat()),
                    config.dummyWeightType(), config.seed(), pool);
            return new LLM(config, pool, kernels, source);
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

    private ContiguousKvCache kvFor(int tokens) {
        if (kv == null || kv.capacity() < tokens) {
            if (kv != null) kv.close();
            ModelConfig c = weights.config();
            // Grow geometrically so a session of growing requests reallocates rarely.
            int capacity = Math.min(maxModelLen, Math.max(tokens, kv == null ? 0 : 2 * kv.capacity()));
            kv = new ContiguousKvCache(c.numLayers(), c.numKvHeads(), c.headDim(), capacity, kvRows);
        }
        return kv;
    }

    /** Generates from {@code prompt} (ids used exactly as given), calling {@code sink} per token. */
    public Generation generate(int[] prompt, SamplingParams params, TokenSink sink) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty");
        }
        int total = prompt.length + Math.max(0, params.maxTokens() - 1);
        if (total > maxModelLen) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens plus max_tokens "
                    + params.maxTokens() + " exceeds the context limit of " + maxModelLen + " tokens");
        }
        ContiguousKvCache cache = kvFor(total);
        SplittableRandom rng = new SplittableRandom(params.seed());
        int[] out = new int[params.maxTokens()];
        int produced = 0;
        String finish = "length";
        long start = System.nanoTime();
        prefill(prompt, cache);
        double prefillSeconds = 0;
        long decodeStart = 0;
        int pos = prompt.length;
        while (produced < params.maxTokens()) {
            int token = sampler.sample(lastLogits, 0, params, rng, prompt, prompt.length, out, produced, null);
            if (produced == 0) {
                decodeStart = System.nanoTime();
                prefillSeconds = (decodeStart - start) / 1e9;
            }
            out[produced++] = token;
            sink.accept(produced - 1, token);
            if (params.stopsAt(token)) {
                finish = "stop";
                break;
            }
            if (produced == params.maxTokens()) break;
            oneToken[0] = token;
            model.forward(oneToken, 0, 1, pos++, cache, lastLogits, false);
        }
        double decodeSeconds = produced > 1 ? (System.nanoTime() - decodeStart) / 1e9 : 0;
        return new Generation(prompt.clone(), java.util.Arrays.copyOf(out, produced), prefillSeconds, decodeSeconds,
                finish);
    }

    /** Runs the prompt in chunks of at most maxNumBatchedTokens; leaves the last token's logits in lastLogits. */
    private void prefill(int[] prompt, ContiguousKvCache cache) {
        int chunk = model.maxTokens();
        for (int off = 0; off < prompt.length; off += chunk) {
            int n = Math.min(chunk, prompt.length - off);
            model.forward(prompt, off, n, off, cache, lastLogits, false);
        }
    }

    /**
     * Logits at every position of {@code tokens} (evaluated from an empty cache at positions 0..n-1), passed row
     * by row to {@code consumer}: row i predicts token i+1.
     */
    public void scoreAll(int[] tokens, LogitsConsumer consumer) {
        if (tokens.length > maxModelLen) {
            throw new IllegalArgumentException(tokens.length + " tokens exceed the context limit of " + maxModelLen);
        }
        ContiguousKvCache cache = kvFor(tokens.length);
        int vocab = weights.config().vocabSize();
        // Bound the logits buffer for large vocabularies: at most ~64 MiB of rows per forward step.
        int chunk = Math.max(1, Math.min(model.maxTokens(), (16 << 20) / vocab));
        float[] logits = new float[chunk * vocab];
        for (int off = 0; off < tokens.length; off += chunk) {
            int n = Math.min(chunk, tokens.length - off);
            model.forward(tokens, off, n, off, cache, logits, true);
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
    public void close() {
        if (kv != null) kv.close();
        source.close();
        pool.close();
    }
}
