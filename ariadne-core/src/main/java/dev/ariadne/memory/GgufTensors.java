package dev.ariadne.memory;

import dev.ariadne.io.gguf.GGUFFile;
import dev.ariadne.io.gguf.GGUFTensorInfo;
import dev.ariadne.memory.PlannedTensor.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The weights of a GGUF file as they are stored (their own types and sizes), with the same tensor-parallel layout
 * {@link ConfigTensors} gives the matching Hugging Face tensors. The name table below is the mapping, as data.
 */
public final class GgufTensors {
    private GgufTensors() {
    }

    private record Rule(Pattern name, Kind kind, Sharding sharding) {
    }

    // First match wins; names are llama.cpp's (blk.N.<name>.weight|bias).
    private static final List<Rule> RULES = List.of(
            rule("token_embd\\.weight", Kind.EMBEDDING, Sharding.VOCAB),
            rule("output\\.weight", Kind.EMBEDDING, Sharding.VOCAB),
            rule(".*_norm\\.(weight|bias)", Kind.VECTOR, Sharding.REPLICATED),
            rule(".*\\.attn_q\\.bias", Kind.VECTOR, Sharding.SPLIT),
            rule(".*\\.attn_[kv]\\.bias", Kind.VECTOR, Sharding.KV_HEADS),
            rule(".*\\.attn_[kv]\\.weight", Kind.MATRIX, Sharding.KV_HEADS),
            rule(".*\\.attn_output\\.bias", Kind.VECTOR, Sharding.REPLICATED),
            rule(".*\\.attn_(q_a|kv_a_mqa)\\.weight", Kind.MATRIX, Sharding.REPLICATED),
            rule(".*\\.ffn_gate_inp(_shexp)?\\.weight", Kind.ROUTER, Sharding.REPLICATED),
            rule(".*\\.exp_probs_b\\.bias", Kind.ROUTER, Sharding.REPLICATED),
            rule("rope_freqs\\.weight", Kind.VECTOR, Sharding.REPLICATED),
            // attn_q, attn_q_b, attn_kv_b, attn_k_b, attn_v_b, attn_output, ffn_{gate,up,down}[_exps|_shexp]
            rule(".*\\.weight", Kind.MATRIX, Sharding.SPLIT),
            rule(".*", Kind.VECTOR, Sharding.REPLICATED));

    private static Rule rule(String regex, Kind kind, Sharding sharding) {
        return new Rule(Pattern.compile(regex), kind, sharding);
    }

    public static List<PlannedTensor> of(GGUFFile gguf, ModelShape shape) {
        List<PlannedTensor> out = new ArrayList<>();
        for (GGUFTensorInfo t : gguf.tensorList()) {
            Rule r = RULES.stream().filter(x -> x.name.matcher(t.name()).matches()).findFirst().orElseThrow();
            Kind kind = t.ne().length == 1 && r.kind == Kind.MATRIX ? Kind.VECTOR : r.kind;
            long units = switch (r.sharding) {
                case VOCAB -> t.ne().length > 1 ? t.ne()[1] : 1;
                case KV_HEADS -> shape.attention().kvHeads();
                default -> 0;
            };
            out.add(new PlannedTensor(t.name(), kind, r.sharding, t.elementCount(), t.byteSize(), units, 1));
        }
        return List.copyOf(out);
    }
}
