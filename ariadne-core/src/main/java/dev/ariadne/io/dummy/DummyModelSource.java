package dev.ariadne.io.dummy;

import dev.ariadne.config.ModelConfig;
import dev.ariadne.io.ModelSource;
import dev.ariadne.io.TensorNames;
import dev.ariadne.io.hf.HFModelSource;
import dev.ariadne.quant.Quantizer;
import dev.ariadne.quant.WeightFormat;
import dev.ariadne.tensor.GGMLType;
import dev.ariadne.tensor.WeightTensor;
import dev.ariadne.tokenizer.Tokenizer;
import dev.ariadne.tokenizer.Tokenizers;
import dev.ariadne.tensor.ops.ComputePool;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Random weights in the shape of a config.json ({@code --load-format dummy}, as in vLLM), for benchmarks that need
 * no download. Linear weights are uniform with the standard deviation 1/sqrt(fan_in) in the requested type; norms
 * are 1 and biases 0, in F32 as llama-quantize keeps them. Weights live off-heap, as mapped files would.
 */
public final class DummyModelSource implements ModelSource {
    private final ModelConfig config;
    private final Path configPath;
    private final Arena arena = Arena.ofShared();
    private final Map<String, WeightTensor> tensors = new HashMap<>();

    private DummyModelSource(ModelConfig config, Path configPath) {
        this.config = config;
        this.configPath = configPath;
    }

    public static DummyModelSource create(Path configJson, GGMLType type, long seed, ComputePool pool) {
        WeightFormat format = WeightFormat.of(type);
        if (format == null) {
            throw new IllegalArgumentException("--weight-type " + type + " is not supported (supported: "
                    + WeightFormat.supportedTypes() + ")");
        }
        ModelConfig c = HFModelSource.readConfig(configJson);
        DummyModelSource s = new DummyModelSource(c, configJson);
        int h = c.hiddenSize();
        s.matrix("token_embd.weight", c.vocabSize(), h, format.quantizer(), seed, pool);
        if (!c.tiedEmbeddings()) {
            s.matrix("output.weight", c.vocabSize(), h, format.quantizer(), seed + 1, pool);
        }
        s.constant("output_norm.weight", h, 1f);
        for (int l = 0; l < c.numLayers(); l++) {
            long ls = seed + 100L * (l + 1);
            s.constant(TensorNames.layer(l, "attn_norm.weight"), h, 1f);
            s.constant(TensorNames.layer(l, "ffn_norm.weight"), h, 1f);
            if (c.mla() != null) {
                s.latentAttention(l, c, format.quantizer(), ls, pool);
            } else {
                s.matrix(TensorNames.layer(l, "attn_q.weight"), c.qDim(), h, format.quantizer(), ls, pool);
                s.matrix(TensorNames.layer(l, "attn_k.weight"), c.kvDim(), h, format.quantizer(), ls + 1, pool);
                s.matrix(TensorNames.layer(l, "attn_v.weight"), c.kvDim(), h, format.quantizer(), ls + 2, pool);
                s.matrix(TensorNames.layer(l, "attn_output.weight"), h, c.qDim(), format.quantizer(), ls + 3, pool);
            }
            if (c.moe() != null && c.moe().isMoeLayer(l)) {
                // As llama-quantize leaves them: the router in F32, the experts stacked [cols, rows, experts].
                int e = c.moe().experts(), f = c.moe().expertIntermediate();
                s.matrix(TensorNames.layer(l, "ffn_gate_inp.weight"), e, h, WeightFormat.of(GGMLType.F32).quantizer(),
                        ls + 7, pool);
                if (c.moe().sigmoidGating()) {
                    // Random, unlike other biases: a zero selection bias would leave its code path untried.
                    s.uniform(TensorNames.layer(l, "exp_probs_b.bias"), e, 0.05f, ls + 13);
                }
                s.stacked(TensorNames.layer(l, "ffn_gate_exps.weight"), e, f, h, format.quantizer(), ls + 4, pool);
                s.stacked(TensorNames.layer(l, "ffn_up_exps.weight"), e, f, h, format.quantizer(), ls + 5, pool);
                s.stacked(TensorNames.layer(l, "ffn_down_exps.weight"), e, h, f, format.quantizer(), ls + 6, pool);
                int shared = c.moe().sharedIntermediate();
                if (shared > 0) {
                    s.matrix(TensorNames.layer(l, "ffn_gate_shexp.weight"), shared, h, format.quantizer(), ls + 8,
                            pool);
                    s.matrix(TensorNames.layer(l, "ffn_up_shexp.weight"), shared, h, format.quantizer(), ls + 9, pool);
                    s.matrix(TensorNames.layer(l, "ffn_down_shexp.weight"), h, shared, format.quantizer(), ls + 10,
                            pool);
                }
            } else {
                s.matrix(TensorNames.layer(l, "ffn_gate.weight"), c.intermediateSize(), h, format.quantizer(), ls + 4,
                        pool);
                s.matrix(TensorNames.layer(l, "ffn_up.weight"), c.intermediateSize(), h, format.quantizer(), ls + 5,
                        pool);
                s.matrix(TensorNames.layer(l, "ffn_down.weight"), h, c.intermediateSize(), format.quantizer(), ls + 6,
                        pool);
            }
            if (c.architecture().qkvBias) {
                s.constant(TensorNames.layer(l, "attn_q.bias"), c.qDim(), 0f);
                s.constant(TensorNames.layer(l, "attn_k.bias"), c.kvDim(), 0f);
                s.constant(TensorNames.layer(l, "attn_v.bias"), c.kvDim(), 0f);
            }
            if (c.architecture().qkNorm) {
                s.constant(TensorNames.layer(l, "attn_q_norm.weight"), c.headDim(), 1f);
                s.constant(TensorNames.layer(l, "attn_k_norm.weight"), c.headDim(), 1f);
            }
        }
        return s;
    }

    /**
     * deepseek2's attention tensors as llama.cpp's converter writes them: the query (one projection, or q_a, its
     * norm and q_b), kv_a_mqa [kv_lora + rope, hidden] and its norm, kv_b split per head into attn_k_b (ne
     * [qk_nope, kv_lora, heads]) and attn_v_b (ne [kv_lora, v, heads]), the output [hidden, heads x v].
     */
    private void latentAttention(int l, ModelConfig c, Quantizer q, long seed, ComputePool pool) {
        var m = c.mla();
        int h = c.hiddenSize(), heads = c.numHeads();
        if (m.qLoraRank() == 0) {
            matrix(TensorNames.layer(l, "attn_q.weight"), c.qDim(), h, q, seed, pool);
        } else {
            matrix(TensorNames.layer(l, "attn_q_a.weight"), m.qLoraRank(), h, q, seed, pool);
            constant(TensorNames.layer(l, "attn_q_a_norm.weight"), m.qLoraRank(), 1f);
            matrix(TensorNames.layer(l, "attn_q_b.weight"), c.qDim(), m.qLoraRank(), q, seed + 11, pool);
        }
        matrix(TensorNames.layer(l, "attn_kv_a_mqa.weight"), m.latentWidth(), h, q, seed + 1, pool);
        constant(TensorNames.layer(l, "attn_kv_a_norm.weight"), m.kvLoraRank(), 1f);
        stacked(TensorNames.layer(l, "attn_k_b.weight"), heads, m.kvLoraRank(), m.qkNopeHeadDim(), q, seed + 2, pool);
        stacked(TensorNames.layer(l, "attn_v_b.weight"), heads, m.vHeadDim(), m.kvLoraRank(), q, seed + 12, pool);
        matrix(TensorNames.layer(l, "attn_output.weight"), h, heads * m.vHeadDim(), q, seed + 3, pool);
    }

    /** {@code experts} matrices of [rows, cols] in one tensor, ne = [cols, rows, experts] as GGUF stacks experts. */
    private void stacked(String name, int experts, int rows, int cols, Quantizer q, long seed, ComputePool pool) {
        matrix(name, experts * rows, cols, q, seed, pool);
        WeightTensor t = tensors.get(name);
        tensors.put(name, new WeightTensor(name, t.type(), new long[] {cols, rows, experts}, t.data(), t.origin()));
    }

    private void matrix(String name, int rows, int cols, Quantizer q, long seed, ComputePool pool) {
        GGMLType type = q.type();
        if (cols % type.blockSize != 0) {
            throw new IllegalArgumentException(configPath + ": tensor '" + name + "' rows of " + cols
                    + " values are not a whole number of " + type + " blocks of " + type.blockSize);
        }
        long rowBytes = type.bytesFor(cols);
        MemorySegment seg = arena.allocate(rowBytes * rows, 64);
        float bound = (float) (Math.sqrt(3.0) / Math.sqrt(cols)); // uniform(-b, b) has std b / sqrt(3)
        pool.parallelFor(rows, (worker, from, to) -> {
            float[] row = new float[cols];
            for (int r = from; r < to; r++) {
                // One generator per row: the weights do not depend on the thread count.
                SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + r);
                for (int i = 0; i < cols; i++) {
                    row[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
                }
                q.quantize(row, 0, cols, seg, r * rowBytes);
            }
        });
        tensors.put(name, new WeightTensor(name, type, new long[] {cols, rows}, seg, "dummy:" + configPath));
    }

    /** F32 values uniform in (-bound, bound). */
    private void uniform(String name, int n, float bound, long seed) {
        MemorySegment seg = arena.allocate(4L * n, 64);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            seg.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, (float) ((rnd.nextDouble() * 2 - 1) * bound));
        }
        tensors.put(name, new WeightTensor(name, GGMLType.F32, new long[] {n}, seg, "dummy:" + configPath));
    }

    private void constant(String name, int n, float value) {
        MemorySegment seg = arena.allocate(4L * n, 64);
        for (int i = 0; i < n; i++) seg.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, value);
        tensors.put(name, new WeightTensor(name, GGMLType.F32, new long[] {n}, seg, "dummy:" + configPath));
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public Optional<WeightTensor> find(String canonicalName) {
        return Optional.ofNullable(tensors.get(canonicalName));
    }

    @Override
    public Optional<Tokenizer> tokenizer() {
        Path dir = configPath.toAbsolutePath().getParent();
        return dir != null && java.nio.file.Files.exists(dir.resolve("tokenizer.json"))
                ? Optional.of(Tokenizers.fromTokenizerJson(dir)) : Optional.empty();
    }

    @Override
    public String description() {
        return "dummy weights for " + configPath;
    }

    @Override
    public void close() {
        arena.close();
    }
}
