package dev.ariadne.sched;

/** One block moved between the KV pool and the swap tier: {@code block} in the pool, {@code slot} in swap. */
public record BlockCopy(int block, int slot) {
}
