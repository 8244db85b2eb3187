package dev.ariadne.memory;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The JVM's own memory, what vLLM calls non-torch memory: the "other" of the KV budget
 * ({@link KvCacheBudgetInputs#otherBytes()}).
 *
 * <pre>
 * heap used       MemoryMXBean heap usage: live objects and garbage not yet collected (an upper bound; measure after
 *                 a GC for a tighter figure). Heap activation buffers (float[] workspaces) are in it too.
 * non-heap used   MemoryMXBean non-heap usage: code cache, metaspace, compressed class space
 * thread stacks   live platform threads x -Xss (HotSpot's ThreadStackSize, 1 MiB when unknown): reserved, committed
 *                 only as deep as each stack went, so again an upper bound
 * </pre>
 *
 * Not counted: mapped files (the weights) and native segments (off-heap activations, the KV cache itself), which the
 * KV budget counts as weights and activation peak.
 */
public record RuntimeMemory(long heapUsed, long nonHeapUsed, int threads, long stackBytesPerThread) {

    /** Linux x86-64 and aarch64 HotSpot's default {@code -Xss}. */
    public static final long DEFAULT_STACK_BYTES = ByteSize.MiB;

    public static RuntimeMemory measure() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        return new RuntimeMemory(memory.getHeapMemoryUsage().getUsed(), memory.getNonHeapMemoryUsage().getUsed(),
                ManagementFactory.getThreadMXBean().getThreadCount(), stackSize());
    }

    /** Heap in use + non-heap in use + thread stacks, now: what the engine passes as other runtime memory. */
    public static long otherRuntimeBytes() {
        return measure().totalBytes();
    }

    /**
     * {@link #otherRuntimeBytes()} less the activation buffers that live on the heap, for an engine whose measured
     * activation peak already counts them.
     */
    public static long otherRuntimeBytes(long heapActivationBytes) {
        return measure().otherBytes(heapActivationBytes);
    }

    public long threadStackBytes() {
        return threads * stackBytesPerThread;
    }

    public long totalBytes() {
        return heapUsed + nonHeapUsed + threadStackBytes();
    }

    /** {@link #totalBytes()} less {@code heapActivationBytes} of activations counted elsewhere. */
    public long otherBytes(long heapActivationBytes) {
        if (heapActivationBytes < 0 || heapActivationBytes > heapUsed) {
            throw new IllegalArgumentException("heap activations of " + heapActivationBytes + " bytes do not fit the "
                    + heapUsed + " bytes of heap in use");
        }
        return totalBytes() - heapActivationBytes;
    }

    /** {@code heap 0.25GiB + non-heap 48MiB + 21 thread stacks x 1MiB = ...}. */
    public String describe() {
        return "heap " + ByteSize.human(heapUsed) + " + non-heap " + ByteSize.human(nonHeapUsed) + " + " + threads
                + " thread stacks x " + ByteSize.human(stackBytesPerThread) + " = " + ByteSize.human(totalBytes());
    }

    /** -Xss: HotSpot's ThreadStackSize option (KiB), else the common default. */
    private static long stackSize() {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            long kib = hotspot == null ? 0 : Long.parseLong(hotspot.getVMOption("ThreadStackSize").getValue());
            return kib > 0 ? kib * ByteSize.KiB : DEFAULT_STACK_BYTES;
        } catch (RuntimeException e) {
            return DEFAULT_STACK_BYTES; // not HotSpot, or the option is gone: the common default
        }
    }
}
