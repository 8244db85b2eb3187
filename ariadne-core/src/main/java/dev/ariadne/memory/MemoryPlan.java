package dev.ariadne.memory;

/** Everything {@code ariadne plan} prints: the model, a GPU deployment, and Ariadne's CPU engine on this machine. */
public record MemoryPlan(String model, ModelShape shape, DevicePlan gpu, DevicePlan cpu) {
}
