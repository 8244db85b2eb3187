package dev.ariadne.io;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Canonical (GGUF) tensor names and their Hugging Face names, as data. {@code {n}} stands for the layer index.
 */
public final class TensorNames {
    private TensorNames() {
    }

    /** GGUF name pattern to Hugging Face name pattern, for the llama / qwen2 / qwen3 families. */
    public static final List<Map.Entry<String, String>> GGUF_TO_HF = List.of(
            Map.entry("token_embd.weight", "model.embed_tokens.weight"),
            Map.entry("output_norm.weight", "model.norm.weight"),
            Map.entry("output.weight", "lm_head.weight"),
            Map.entry("blk.{n}.attn_norm.weight", "model.layers.{n}.input_layernorm.weight"),
            Map.entry("blk.{n}.attn_q.weight", "model.layers.{n}.self_attn.q_proj.weight"),
            Map.entry("blk.{n}.attn_k.weight", "model.layers.{n}.self_attn.k_proj.weight"),
            Map.entry("blk.{n}.attn_v.weight", "model.layers.{n}.self_attn.v_proj.weight"),
            Map.entry("blk.{n}.attn_q.bias", "model.layers.{n}.self_attn.q_proj.bias"),
            Map.entry("blk.{n}.attn_k.bias", "model.layers.{n}.self_attn.k_proj.bias"),
            Map.entry("blk.{n}.attn_v.bias", "model.layers.{n}.self_attn.v_proj.bias"),
            Map.entry("blk.{n}.attn_output.weight", "model.layers.{n}.self_attn.o_proj.weight"),
            Map.entry("blk.{n}.attn_q_norm.weight", "model.layers.{n}.self_attn.q_norm.weight"),
            Map.entry("blk.{n}.attn_k_norm.weight", "model.layers.{n}.self_attn.k_norm.weight"),
            Map.entry("blk.{n}.ffn_norm.weight", "model.layers.{n}.post_attention_layernorm.weight"),
            Map.entry("blk.{n}.ffn_gate.weight", "model.layers.{n}.mlp.gate_proj.weight"),
            Map.entry("blk.{n}.ffn_up.weight", "model.layers.{n}.mlp.up_proj.weight"),
            Map.entry("blk.{n}.ffn_down.weight", "model.layers.{n}.mlp.down_proj.weight"),
            // Mixture of experts: the router, and one tensor per expert {e} (GGUF stacks them as ffn_*_exps).
            Map.entry("blk.{n}.ffn_gate_inp.weight", "model.layers.{n}.mlp.gate.weight"),
            Map.entry("blk.{n}.ffn_gate.{e}.weight", "model.layers.{n}.mlp.experts.{e}.gate_proj.weight"),
            Map.entry("blk.{n}.ffn_up.{e}.weight", "model.layers.{n}.mlp.experts.{e}.up_proj.weight"),
            Map.entry("blk.{n}.ffn_down.{e}.weight", "model.layers.{n}.mlp.experts.{e}.down_proj.weight"));

    private static final Pattern LAYER = Pattern.compile("^blk\\.(\\d+)\\.(.*)$");
    private static final Pattern EXPERT = Pattern.compile("^(ffn_[a-z]+)\\.(\\d+)\\.(weight)$");

    /** The Hugging Face name of a canonical tensor name, or null when there is no mapping. */
    public static String toHuggingFace(String canonical) {
        Matcher m = LAYER.matcher(canonical);
        String layer = m.matches() ? m.group(1) : null;
        String rest = layer != null ? m.group(2) : null;
        Matcher x = rest != null ? EXPERT.matcher(rest) : null;
        String expert = x != null && x.matches() ? x.group(2) : null;
        if (expert != null) rest = x.group(1) + ".{e}." + x.group(3);
        String generic = layer != null ? "blk.{n}." + rest : canonical;
        for (Map.Entry<String, String> e : GGUF_TO_HF) {
            if (e.getKey().equals(generic)) {
                String hf = layer != null ? e.getValue().replace("{n}", layer) : e.getValue();
                return expert != null ? hf.replace("{e}", expert) : hf;
            }
        }
        return null;
    }

    /** The canonical name of expert {@code expert}'s own tensor (Hugging Face layout), e.g. blk.0.ffn_up.3.weight. */
    public static String expert(int layer, String projection, int expert) {
        return "blk." + layer + "." + projection + "." + expert + ".weight";
    }

    public static String layer(int layer, String suffix) {
        return "blk." + layer + "." + suffix;
    }
}
