package dev.ariadne.memory;

import dev.ariadne.config.MlaConfig;
import dev.ariadne.memory.PlannedTensor.Kind;

import java.util.ArrayList;
import java.util.List;

/**
 * The weights a {@link ModelShape} implies, named as in the Hugging Face checkpoint, with how vLLM shards each one.
 * The table is the data: read it top to bottom to see what is split and what is replicated.
 */
public final class ConfigTensors {
    private final ModelShape m;
    private final WeightDtype dtype;
    private final List<PlannedTensor> out = new ArrayList<>();

    private ConfigTensors(ModelShape m, WeightDtype dtype) {
        this.m = m;
        this.dtype = dtype;
    }

    /** Every parameter of the model stored as {@code dtype}. */
    public static List<PlannedTensor> of(ModelShape m, WeightDtype dtype) {
        ConfigTensors t = new ConfigTensors(m, dtype);
        t.embeddings();
        t.attention();
        t.mlp();
        return List.copyOf(t.out);
    }

    private void embeddings() {
        long h = m.hiddenSize(), v = m.vocabSize();
        add("model.embed_tokens.weight", Kind.EMBEDDING, Sharding.VOCAB, v * h, v, 1);   // (vocab, hidden)
        if (!m.tiedEmbeddings()) {
            add("lm_head.weight", Kind.EMBEDDING, Sharding.VOCAB, v * h, v, 1);          // (vocab, hidden)
        }
        add("model.norm.weight", Kind.VECTOR, Sharding.REPLICATED, h, 0, 1);
        add("layers.*.input_layernorm.weight", Kind.VECTOR, Sharding.REPLICATED, h, 0, m.numLayers());
        add("layers.*.post_attention_layernorm.weight", Kind.VECTOR, Sharding.REPLICATED, h, 0, m.numLayers());
    }

    private void attention() {
        AttentionShape a = m.attention();
        int n = m.numLayers();
        long h = m.hiddenSize();
        if (a.isMla()) {
            MlaConfig mla = a.mla();
            long q = (long) a.heads() * mla.qkHeadDim();
            if (mla.qLoraRank() > 0) {
                add("layers.*.self_attn.q_a_proj.weight", Kind.MATRIX, Sharding.REPLICATED, h * mla.qLoraRank(), 0, n);
                add("layers.*.self_attn.q_a_layernorm.weight", Kind.VECTOR, Sharding.REPLICATED, mla.qLoraRank(), 0, n);
                add("layers.*.self_attn.q_b_proj.weight", Kind.MATRIX, Sharding.SPLIT, mla.qLoraRank() * q, 0, n);
            } else {
                add("layers.*.self_attn.q_proj.weight", Kind.MATRIX, Sharding.SPLIT, h * q, 0, n);
            }
            add("layers.*.self_attn.kv_a_proj_with_mqa.weight", Kind.MATRIX, Sharding.REPLICATED,
                    h * mla.latentWidth(), 0, n);
            add("layers.*.self_attn.kv_a_layernorm.weight", Kind.VECTOR, Sharding.REPLICATED, mla.kvLoraRank(), 0, n);
            add("layers.*.self_attn.kv_b_proj.weight", Kind.MATRIX, Sharding.SPLIT,
                    (long) mla.kvLoraRank() * a.heads() * (mla.qkNopeHeadDim() + mla.vHeadDim()), 0, n);
            add("layers.*.self_attn.o_proj.weight", Kind.MATRIX, Sharding.SPLIT,
                    (long) a.heads() * mla.vHeadDim() * h, 0, n);
            return;
        }
        long q = (long) a.heads() * a.headDim();
        long kv = (long) a.kvHeads() * a.headDim();
        add("layers.*.self_attn.q_proj.weight", Kind.MATRIX, Sharding.SPLIT, h * q, 0, n);
        add("layers.*.self_attn.k_proj.weight", Kind.MATRIX, Sharding.KV_HEADS, h * kv, a.kvHeads(), n);
        add("layers.*.self_attn.v_proj.weight", Kind.MATRIX, Sharding.KV_HEADS, h * kv, a.kvHeads(), n);
        add("layers.*.self_attn.o_proj.weight", Kind.MATRIX, Sharding.SPLIT, q * h, 0, n);
        if (a.qkvBias()) {
            add("layers.*.self_attn.q_proj.bias", Kind.VECTOR, Sharding.SPLIT, q, 0, n);
            add("layers.*.self_attn.k_proj.bias", Kind.VECTOR, Sharding.KV_HEADS, kv, a.kvHeads(), n);
            add("layers.*.self_attn.v_proj.bias", Kind.VECTOR, Sharding.KV_HEADS, kv, a.kvHeads(), n);
        }
        if (a.outputBias()) {
            add("layers.*.self_attn.o_proj.bias", Kind.VECTOR, Sharding.REPLICATED, h, 0, n);
        }
        if (a.qkNorm()) {
            add("layers.*.self_attn.q_norm.weight", Kind.VECTOR, Sharding.REPLICATED, a.headDim(), 0, n);
            add("layers.*.self_attn.k_norm.weight", Kind.VECTOR, Sharding.REPLICATED, a.headDim(), 0, n);
        }
    }

    private void mlp() {
        long h = m.hiddenSize();
        int dense = m.denseLayers();
        if (dense > 0) {
            // gate_proj and up_proj (hidden -> intermediate, column-parallel), down_proj (row-parallel)
            add("layers.*.mlp.{gate,up,down}_proj.weight", Kind.MATRIX, Sharding.SPLIT,
                    3 * h * m.intermediateSize(), 0, dense);
        }
        MoeShape moe = m.moe();
        if (moe == null) return;
        int n = moe.moeLayers();
        add("layers.*.mlp.gate.weight (router)", Kind.ROUTER, Sharding.REPLICATED, (long) moe.experts() * h, 0, n);
        if (moe.routerBias()) {
            add("layers.*.mlp.gate.e_score_correction_bias", Kind.ROUTER, Sharding.REPLICATED, moe.experts(), 0, n);
        }
        // FusedMoE without expert parallelism: every expert's intermediate dimension split over the ranks.
        add("layers.*.mlp.experts.*.{gate,up,down}_proj.weight", Kind.MATRIX, Sharding.SPLIT,
                (long) moe.experts() * 3 * h * moe.expertIntermediate(), 0, n);
        if (moe.sharedIntermediate() > 0) {
            add("layers.*.mlp.shared_expert(s).{gate,up,down}_proj.weight", Kind.MATRIX, Sharding.SPLIT,
                    3 * h * moe.sharedIntermediate(), 0, n);
        }
        if (moe.sharedExpertGate()) {
            add("layers.*.mlp.shared_expert_gate.weight", Kind.ROUTER, Sharding.REPLICATED, h, 0, n);
        }
    }

    private void add(String name, Kind kind, Sharding sharding, long elements, long units, int count) {
        if (count == 0) return;
        out.add(new PlannedTensor(name, kind, sharding, elements, dtype.bytes(kind, elements), units, count));
    }
}
