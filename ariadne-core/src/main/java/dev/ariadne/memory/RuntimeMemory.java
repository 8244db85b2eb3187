package dev.ariadne.memory;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/**
 * The JVM's own memory, what vLLM calls non-torch memory: the "other" of the KV budget
 * ({@link KvCacheBudgetInputs#otherBytes()}).
 *
 * <pre>
 * heap            what the heap keeps resident: the young generation's committed size (eden and survivor spaces:
 *                 allocation walks through all of it between two collections, so all of its pages are touched),
 *                 plus the used part of the other heap pools (the old generation: live objects, and garbage not yet
 *                 collected). Heap activation buffers (float[] workspaces) are in it too. Counting only the heap in
 *                 use left the young generation out: the Vector API's non-intrinsic fallbacks allocate gigabytes
 *                 while the kernels warm up, ParallelGC grew eden to hold them, and peak resident memory ended up
 *                 0.4-0.7 GiB above the plan on 4-bit Qwen3-0.6B files.
 * non-heap used   MemoryMXBean non-heap usage: code cache, metaspace, compressed class space
 * thread stacks   live platform threads x -Xss (HotSpot's ThreadStackSize, 1 MiB when unknown): reserved, committed
 *                 only as deep as each stack went, so again an upper bound
 * </pre>
 *
 * Not counted: mapped files (the weights) and native segments (off-heap activations, the KV cache itself), which the
 * KV budget counts as weights and activation peak.
 */
public record RuntimeMemory(long heapResident, long nonHeapUsed, int threads, long stackBytesPerThread) {

    /** Linux x86-64 and aarch64 HotSpot's default {@code -Xss}. */
    public static final long DEFAULT_STACK_BYTES = ByteSize.MiB;

    public static RuntimeMemory measure() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        return new RuntimeMemory(residentHeap(memory.getHeapMemoryUsage().getUsed()),
                memory.getNonHeapMemoryUsage().getUsed(), ManagementFactory.getThreadMXBean().getThreadCount(),
                stackSize());
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
        return heapResident + nonHeapUsed + threadStackBytes();
    }

    /** {@link #totalBytes()} less {@code heapActivationBytes} of activations counted elsewhere. */
    public long otherBytes(long heapActivationBytes) {
        if (heapActivationBytes < 0 || heapActivationBytes > heapResident) {
            throw new IllegalArgumentException("heap activations of " + heapActivationBytes + " bytes do not fit the "
                    + heapResident + " bytes of resident heap");
        }
        return totalBytes() - heapActivationBytes;
    }

    /** {@code heap 0.25GiB + non-heap 48MiB + 21 thread stacks x 1MiB = ...}. */
    public String describe() {
        return "heap " + ByteSize.human(heapResident) + " + non-heap " + ByteSize.human(nonHeapUsed) + " + "
                + threads + " thread stacks x " + ByteSize.human(stackBytesPerThread) + " = "
                + ByteSize.human(totalBytes());
    }

    /**
     * The young generation's committed bytes plus the other heap pools' used bytes (see the class comment); the
     * heap in use where the collector names no young pools.
     */
    private static long residentHeap(long heapUsed) {
        long young = 0, other = 0;
        boolean named = false;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() != MemoryType.HEAP || !pool.isValid()) continue;
            MemoryUsage u = pool.getUsage();
            String name = pool.getName();
            if (name.contains("Eden") || name.contains("Survivor")) {
                young += u.getCommitted();
                named = true;
            } else {
                other += u.getUsed();
            }
        }
        return named ? Math.max(heapUsed, young + other) : heapUsed;
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
