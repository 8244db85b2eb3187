package dev.ariadne.memory;

import dev.ariadne.config.MlaConfig;
import dev.ariadne.io.ModelFileException;
import dev.ariadne.io.gguf.GGUFFile;
import dev.ariadne.io.gguf.GGUFTensorInfo;

import java.util.Arrays;

/**
 * Reads a {@link ModelShape} from a GGUF header ({@code <arch>.block_count}, {@code .embedding_length},
 * {@code .attention.head_count[_kv]}, expert and MLA keys); the vocabulary comes from {@code token_embd}.
 */
public final class GgufShapeReader {
    private GgufShapeReader() {
    }

    public static ModelShape read(GGUFFile g) {
        String arch = g.getString("general.architecture");
        String p = arch + ".";
        int hidden = g.getInt(p + "embedding_length");
        int layers = g.getInt(p + "block_count");
        int heads = maxInt(g, p + "attention.head_count", 0);
        int kvHeads = maxInt(g, p + "attention.head_count_kv", heads);
        GGUFTensorInfo embd = g.tensors().get("token_embd.weight");
        if (embd == null) {
            throw new ModelFileException(g.path() + ": no token_embd.weight tensor, cannot tell the vocabulary size");
        }
        int vocab = (int) embd.ne()[embd.ne().length - 1];
        int ropeDim = g.getInt(p + "rope.dimension_count", 0);

        MlaConfig mla = null;
        int headDim;
        if (g.has(p + "attention.kv_lora_rank")) {
            int kvLora = g.getInt(p + "attention.kv_lora_rank");
            int nopeRope = g.getInt(p + "attention.key_length_mla", g.getInt(p + "attention.key_length"));
            int v = g.getInt(p + "attention.value_length_mla", g.getInt(p + "attention.value_length"));
            mla = new MlaConfig(g.getInt(p + "attention.q_lora_rank", 0), kvLora, nopeRope - ropeDim, ropeDim, v);
            headDim = nopeRope;
        } else {
            headDim = g.getInt(p + "attention.key_length", hidden / heads);
        }
        int rotaryDim = mla != null ? ropeDim : (ropeDim > 0 ? ropeDim : headDim);
        boolean qkvBias = g.tensors().containsKey("blk.0.attn_q.bias");
        AttentionShape attention = new AttentionShape(heads, kvHeads, headDim, rotaryDim, qkvBias,
                g.tensors().containsKey("blk.0.attn_output.bias"), g.tensors().containsKey("blk.0.attn_q_norm.weight"),
                mla);

        MoeShape moe = null;
        int experts = g.getInt(p + "expert_count", 0);
        if (experts > 0) {
            int leadingDense = g.getInt(p + "leading_dense_block_count", 0);
            int width = g.getInt(p + "expert_feed_forward_length", g.getInt(p + "feed_forward_length", 0));
            int shared = g.getInt(p + "expert_shared_count", 0) * width;
            if (g.has(p + "expert_shared_feed_forward_length")) shared = g.getInt(p + "expert_shared_feed_forward_length");
            moe = new MoeShape(experts, g.getInt(p + "expert_used_count", 1), width, shared,
                    g.tensors().containsKey("blk." + leadingDense + ".ffn_gate_inp_shexp.weight"),
                    g.tensors().containsKey("blk." + leadingDense + ".exp_probs_b.bias"), layers - leadingDense);
        }
        return new ModelShape(arch, hidden, layers, vocab, g.getInt(p + "feed_forward_length", 4 * hidden),
                !g.tensors().containsKey("output.weight"), g.getInt(p + "context_length", 2048), "float16",
                attention, moe, null, null);
    }

    /** A head count, which some architectures store per layer as an array: the largest. */
    private static int maxInt(GGUFFile g, String key, int fallback) {
        Object v = g.metadata().get(key);
        if (v == null) return fallback;
        if (v instanceof long[] arr) return (int) Arrays.stream(arr).max().orElse(fallback);
        return g.getInt(key);
    }
}
