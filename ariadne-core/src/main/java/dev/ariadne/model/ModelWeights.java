package dev.ariadne.model;

import dev.ariadne.config.Architecture;
import dev.ariadne.config.ModelConfig;
import dev.ariadne.io.ModelFileException;
import dev.ariadne.io.ModelSource;
import dev.ariadne.io.TensorNames;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.quant.RowKernel;
import dev.ariadne.quant.WeightFormat;
import dev.ariadne.tensor.GGMLType;
import dev.ariadne.tensor.Linear;
import dev.ariadne.tensor.WeightTensor;

import java.util.Arrays;

/**
 * All weights of a decoder model, wired from a {@link ModelSource} by canonical name, with every shape checked
 * against the config: a mismatch names the file, the tensor, and the expected and actual shapes.
 *
 * @param tokenEmbedding [vocab, hidden]; rows dequantized on lookup
 * @param outputNorm     [hidden]
 * @param output         [vocab, hidden]; the token embedding itself when tied
 */
public record ModelWeights(ModelConfig config, Linear tokenEmbedding, LayerWeights[] layers, float[] outputNorm,
                           Linear output) {

    public static ModelWeights load(ModelSource source, KernelProvider kernels) {
        return load(source, kernels, source.config());
    }

    /** Loads with {@code config} in place of the file's (the same shapes; a start-up override such as rope scaling). */
    public static ModelWeights load(ModelSource source, KernelProvider kernels, ModelConfig config) {
        return new Loader(source, kernels, config).load();
    }

    /** The type most linear weights are stored in (decides the KV cache dtype {@code auto}). */
    public GGMLType dominantType() {
        return (layers[0].wq() != null ? layers[0].wq() : layers[0].wo()).type();
    }

    /**
     * Bytes of weights read per decoded token (all linear weights plus one embedding row; of a mixture of experts,
     * the router and the experts one token runs).
     */
    public long bytesPerToken() {
        long b = output.byteSize() + tokenEmbedding.rowBytes();
        int used = config.moe() != null ? config.moe().expertsUsed() : 0;
        for (LayerWeights l : layers) b += l.activeBytes(used);
        return b;
    }

    /** Bytes of all weights (the mapped tensors; a tied output matrix counted once). */
    public long bytes() {
        long b = tokenEmbedding.byteSize() + (output != tokenEmbedding ? output.byteSize() : 0)
                + 4L * outputNorm.length;
        for (LayerWeights l : layers) {
            b += l.linearBytes();
            b += 4L * (l.attnNorm().length + l.ffnNorm().length);
        }
        return b;
    }

    private static final class Loader {
        private final ModelSource source;
        private final KernelProvider kernels;
        private final ModelConfig c;

        Loader(ModelSource source, KernelProvider kernels, ModelConfig config) {
            this.source = source;
            this.kernels = kernels;
            this.c = config;
        }

        ModelWeights load() {
            int h = c.hiddenSize();
            Linear embedding = linear("token_embd.weight", c.vocabSize(), h);
            LayerWeights[] layers = new LayerWeights[c.numLayers()];
            Architecture a = c.architecture();
            for (int l = 0; l < layers.length; l++) {
                boolean moe = c.moe() != null && c.moe().isMoeLayer(l);
                if (c.mla() != null) {
                    layers[l] = latentAttentionLayer(l, moe);
                    continue;
                }
                layers[l] = new LayerWeights(
                        vector(TensorNames.layer(l, "attn_norm.weight"), h),
                        linear(TensorNames.layer(l, "attn_q.weight"), c.qDim(), h),
                        linear(TensorNames.layer(l, "attn_k.weight"), c.kvDim(), h),
                        linear(TensorNames.layer(l, "attn_v.weight"), c.kvDim(), h),
                        a.qkvBias ? vector(TensorNames.layer(l, "attn_q.bias"), c.qDim()) : null,
                        a.qkvBias ? vector(TensorNames.layer(l, "attn_k.bias"), c.kvDim()) : null,
                        a.qkvBias ? vector(TensorNames.layer(l, "attn_v.bias"), c.kvDim()) : null,
                        a.qkNorm ? vector(TensorNames.layer(l, "attn_q_norm.weight"), c.headDim()) : null,
                        a.qkNorm ? vector(TensorNames.layer(l, "attn_k_norm.weight"), c.headDim()) : null,
                        linear(TensorNames.layer(l, "attn_output.weight"), h, c.qDim()),
                        vector(TensorNames.layer(l, "ffn_norm.weight"), h),
                        moe ? null : linear(TensorNames.layer(l, "ffn_gate.weight"), c.intermediateSize(), h),
                        moe ? null : linear(TensorNames.layer(l, "ffn_up.weight"), c.intermediateSize(), h),
                        moe ? null : linear(TensorNames.layer(l, "ffn_down.weight"), h, c.intermediateSize()),
                        moe ? moe(l) : null);
            }
            float[] outputNorm = vector("output_norm.weight", h);
            Linear output = c.tiedEmbeddings() ? embedding : linear("output.weight", c.vocabSize(), h);
            return new ModelWeights(c, embedding, layers, outputNorm, output);
        }

        /** A deepseek2 layer: latent attention ({@link MlaWeights}), then the dense MLP or the experts. */
        private LayerWeights latentAttentionLayer(int l, boolean moe) {
            int h = c.hiddenSize();
            var m = c.mla();
            int heads = c.numHeads();
            int q = m.qLoraRank();
            Linear wq = q == 0 ? linear(TensorNames.layer(l, "attn_q.weight"), c.qDim(), h) : null;
            MlaWeights mla = new MlaWeights(
                    q == 0 ? null : linear(TensorNames.layer(l, "attn_q_a.weight"), q, h),
                    q == 0 ? null : vector(TensorNames.layer(l, "attn_q_a_norm.weight"), q),
                    q == 0 ? null : linear(TensorNames.layer(l, "attn_q_b.weight"), c.qDim(), q),
                    linear(TensorNames.layer(l, "attn_kv_a_mqa.weight"), m.latentWidth(), h),
                    vector(TensorNames.layer(l, "attn_kv_a_norm.weight"), m.kvLoraRank()),
                    slices(source.require(TensorNames.layer(l, "attn_k_b.weight")), m.kvLoraRank(),
                            m.qkNopeHeadDim(), heads),
                    slices(source.require(TensorNames.layer(l, "attn_v_b.weight")), m.vHeadDim(), m.kvLoraRank(),
                            heads));
            return new LayerWeights(
                    vector(TensorNames.layer(l, "attn_norm.weight"), h),
                    wq, null, null, null, null, null, null, null,
                    linear(TensorNames.layer(l, "attn_output.weight"), h, heads * m.vHeadDim()),
                    vector(TensorNames.layer(l, "ffn_norm.weight"), h),
                    moe ? null : linear(TensorNames.layer(l, "ffn_gate.weight"), c.intermediateSize(), h),
                    moe ? null : linear(TensorNames.layer(l, "ffn_up.weight"), c.intermediateSize(), h),
                    moe ? null : linear(TensorNames.layer(l, "ffn_down.weight"), h, c.intermediateSize()),
                    moe ? moe(l) : null,
                    mla);
        }

        /**
         * The {@code count} matrices of {@code [rows, cols]} stacked in one 3-D tensor of {@code ne [cols, rows,
         * count]}: matrix i is a view of its contiguous slice of the mapped tensor.
         */
        private Linear[] slices(WeightTensor t, int rows, int cols, int count) {
            checkShape(t, cols, rows, count);
            RowKernel k = kernel(t);
            long bytes = rows * t.rowBytes();
            Linear[] out = new Linear[count];
            for (int i = 0; i < count; i++) {
                out[i] = new Linear(t.name() + "[" + i + "]", t.type(), k, t.data().asSlice(i * bytes, bytes), rows,
                        cols, t.rowBytes());
            }
            return out;
        }

        /** Layer l's router and experts: slices of the stacked GGUF tensors, or one tensor per expert (HF). */
        private MoeWeights moe(int l) {
            int h = c.hiddenSize();
            int experts = c.moe().experts();
            int f = c.moe().expertIntermediate();
            Linear router = linear(TensorNames.layer(l, "ffn_gate_inp.weight"), experts, h);
            int shared = c.moe().sharedIntermediate();
            return new MoeWeights(router, experts(l, "ffn_gate", f, h), experts(l, "ffn_up", f, h),
                    experts(l, "ffn_down", h, f),
                    shared == 0 ? null : linear(TensorNames.layer(l, "ffn_gate_shexp.weight"), shared, h),
                    shared == 0 ? null : linear(TensorNames.layer(l, "ffn_up_shexp.weight"), shared, h),
                    shared == 0 ? null : linear(TensorNames.layer(l, "ffn_down_shexp.weight"), h, shared),
                    // llama.cpp reads it when present (DeepSeek-V3); without it the biased scores are the scores.
                    c.moe().sigmoidGating() && source.find(TensorNames.layer(l, "exp_probs_b.bias")).isPresent()
                            ? vector(TensorNames.layer(l, "exp_probs_b.bias"), experts) : null);
        }

        /** Every expert's {@code [rows, cols]} matrix of one projection. */
        private Linear[] experts(int l, String projection, int rows, int cols) {
            int experts = c.moe().experts();
            Linear[] out = new Linear[experts];
            var stacked = source.find(TensorNames.layer(l, projection + "_exps.weight"));
            if (stacked.isEmpty()) {
                for (int e = 0; e < experts; e++) out[e] = linear(TensorNames.expert(l, projection, e), rows, cols);
                return out;
            }
            // [cols, rows, experts] fastest first: expert e's rows are one contiguous slice, a matrix of its own.
            return slices(stacked.get(), rows, cols, experts);
        }

        private Linear linear(String name, int rows, int cols) {
            WeightTensor t = source.require(name);
            checkShape(t, cols, rows);
            return Linear.of(t, kernel(t));
        }

        private float[] vector(String name, int n) {
            WeightTensor t = source.require(name);
            checkShape(t, n);
            float[] out = new float[n];
            RowKernel k = kernel(t);
            k.dequantize(t.data(), 0, out, 0, n);
            return out;
        }

        private RowKernel kernel(WeightTensor t) {
            if (!WeightFormat.isSupported(t.type())) {
                throw new ModelFileException(t.origin() + ": tensor '" + t.name() + "' has type " + t.type()
                        + ", which is not supported (supported: " + WeightFormat.supportedTypes() + ")");
            }
            return kernels.kernel(t.type());
        }

        private void checkShape(WeightTensor t, long... expectedNe) {
            long[] ne = t.ne();
            // Trailing dimensions of size 1 are allowed (some writers keep them).
            int dims = ne.length;
            while (dims > expectedNe.length && ne[dims - 1] == 1) dims--;
            if (!Arrays.equals(Arrays.copyOf(ne, dims), expectedNe)) {
                throw new ModelFileException(t.origin() + ": tensor '" + t.name() + "' has shape "
                        + Arrays.toString(ne) + " (ggml order, fastest first), expected "
                        + Arrays.toString(expectedNe) + " for " + c.architecture().ggufName + " with hidden "
                        + c.hiddenSize() + ", heads " + c.numHeads() + "/" + c.numKvHeads() + ", head dim "
                        + c.headDim());
            }
        }
    }
}
