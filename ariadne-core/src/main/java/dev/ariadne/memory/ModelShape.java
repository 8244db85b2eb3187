package dev.ariadne.memory;

import dev.ariadne.config.MlaConfig;
import dev.ariadne.config.DcaConfig;
/**
 * What the planner needs to know about a model: sizes from {@code config.json} (or a GGUF header), never weights.
 * {@code moe}, {@code rope} and {@code dca} are null when the model has none of them.
 */
public record ModelShape(String architecture, int hiddenSize, int numLayers, int vocabSize, int intermediateSize,
                         boolean tiedEmbeddings, int maxPositionEmbeddings, String torchDtype,
                         AttentionShape attention, MoeShape moe, RopeScaling rope, DcaConfig dca) {

    public boolean isMoe() {
        return moe != null;
    }

    /** Layers with a dense MLP (all of them for a dense model). */
    public int denseLayers() {
        return moe == null ? numLayers : numLayers - moe.moeLayers();
    }

    /** The same model with the rope scaling a user passed ({@code --rope-scaling}) instead of the config's. */
    public ModelShape withRope(RopeScaling override) {
        return new ModelShape(architecture, hiddenSize, numLayers, vocabSize, intermediateSize, tiedEmbeddings,
                maxPositionEmbeddings, torchDtype, attention, moe, override, dca);
    }

    /** vLLM's default max-model-len: {@code max_position_embeddings}, scaled by the rope scaling if any. */
    public int derivedMaxModelLen() {
        return rope == null ? maxPositionEmbeddings : rope.derivedMaxModelLen(maxPositionEmbeddings);
    }

    /** One line: layers, widths, heads, vocabulary, MoE/MLA/DCA. */
    public String summary() {
        AttentionShape a = attention;
        StringBuilder s = new StringBuilder();
        s.append(numLayers).append(" layers, hidden ").append(hiddenSize).append(", ");
        if (a.isMla()) {
            MlaConfig m = a.mla();
            s.append("MLA ").append(a.heads()).append(" heads, latent ").append(m.kvLoraRank()).append(" + rope ")
                    .append(m.qkRopeHeadDim());
        } else {
            s.append(a.heads()).append(" heads / ").append(a.kvHeads()).append(" KV heads x ").append(a.headDim());
        }
        s.append(", vocab ").append(ByteSize.count(vocabSize));
        if (moe != null) {
            s.append(", MoE ").append(moe.experts()).append(" experts (").append(moe.topK()).append(" active) x ")
                    .append(moe.expertIntermediate());
            if (moe.sharedIntermediate() > 0) s.append(" + shared ").append(moe.sharedIntermediate());
            s.append(" in ").append(moe.moeLayers()).append(" layers");
        } else {
            s.append(", MLP ").append(intermediateSize);
        }
        if (tiedEmbeddings) s.append(", tied embeddings");
        if (dca != null) {
            s.append(", DCA chunk ").append(ByteSize.count(dca.chunkSize())).append(" local ")
                    .append(ByteSize.count(dca.localSize()));
        }
        if (rope != null) s.append(", rope ").append(rope);
        return s.toString();
    }
}
