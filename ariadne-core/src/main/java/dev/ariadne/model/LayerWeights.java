package dev.ariadne.model;

import dev.ariadne.tensor.Linear;

/**
 * One decoder layer's weights. Linear weights stay in their stored format (memory-mapped); the small 1-D vectors
 * (norms, biases) are widened to float once at load.
 *
 * @param attnNorm [hidden]
 * @param wq       [numHeads * headDim, hidden]
 * @param wk       [numKvHeads * headDim, hidden]
 * @param wv       [numKvHeads * headDim, hidden]
 * @param bq       [numHeads * headDim] or null (qwen2 only)
 * @param bk       [numKvHeads * headDim] or null
 * @param bv       [numKvHeads * headDim] or null
 * @param qNorm    [headDim] or null (qwen3 only)
 * @param kNorm    [headDim] or null
 * @param wo       [hidden, numHeads * headDim]
 * @param ffnNorm  [hidden]
 * @param wGate    [intermediate, hidden]
 * @param wUp      [intermediate, hidden]
 * @param wDown    [hidden, intermediate]
 */
public record LayerWeights(
        float[] attnNorm,
        Linear wq, Linear wk, Linear wv,
        float[] bq, float[] bk, float[] bv,
        float[] qNorm, float[] kNorm,
        Linear wo,
        float[] ffnNorm,
        Linear wGate, Linear wUp, Linear wDown) {
}
