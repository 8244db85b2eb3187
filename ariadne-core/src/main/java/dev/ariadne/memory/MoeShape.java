package dev.ariadne.memory;

/**
 * The mixture-of-experts part of a model: {@code experts} routed experts of which {@code topK} run per token, each a
 * gated MLP of width {@code expertIntermediate}; {@code sharedIntermediate} is the total width of the always-on
 * shared expert(s) (0 when there are none); {@code moeLayers} of the model's layers use it, the rest a dense MLP.
 */
public record MoeShape(int experts, int topK, int expertIntermediate, int sharedIntermediate,
                       boolean sharedExpertGate, boolean routerBias, int moeLayers) {
}
