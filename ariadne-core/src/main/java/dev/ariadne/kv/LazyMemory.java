package dev.ariadne.kv;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Off-heap memory whose pages the OS supplies on first touch: an anonymous private mapping ({@code mmap} with
 * {@code MAP_NORESERVE}), released when the arena closes. The KV pool is sized for the whole budget at start-up, as
 * vLLM's is, but {@link Arena#allocate} would zero (touch) every page first: tens of GiB and seconds before the
 * first request. The kernel's zero pages are free until written. Falls back to {@link Arena#allocate} where
 * {@code mmap} is unavailable.
 */
final class LazyMemory {
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS_NORESERVE = 0x02 | 0x20 | 0x4000; // Linux values
    private static final MethodHandle MMAP, MUNMAP;

    static {
        MethodHandle mmap = null, munmap = null;
        if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                var libc = linker.defaultLookup();
                mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(
                        ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
                munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(), FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            } catch (RuntimeException | LinkageError e) {
                mmap = munmap = null; // native access not enabled, or no libc: allocate eagerly
            }
        }
        MMAP = mmap;
        MUNMAP = munmap;
    }

    private LazyMemory() {
    }

    /** {@code bytes} of zeroed memory, page-aligned where mapped, freed with {@code arena}. */
    static MemorySegment allocate(Arena arena, long bytes) {
        if (MMAP != null && bytes > 0) {
            try {
                MemorySegment p = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, bytes, PROT_READ_WRITE,
                        MAP_PRIVATE_ANONYMOUS_NORESERVE, -1, 0L);
                if (p.address() != -1L && p.address() != 0L) {
                    return p.reinterpret(bytes, arena, LazyMemory::unmap);
                }
            } catch (Throwable e) {
                // fall through to the eager allocation
            }
        }
        return arena.allocate(bytes, 64);
    }

    private static void unmap(MemorySegment s) {
        try {
            int ignored = (int) MUNMAP.invokeExact(s, s.byteSize());
        } catch (Throwable e) {
            throw new IllegalStateException("munmap failed", e);
        }
    }
}
