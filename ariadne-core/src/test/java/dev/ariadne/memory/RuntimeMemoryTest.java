package dev.ariadne.memory;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JVM's other memory: heap in use, non-heap, thread stacks. */
class RuntimeMemoryTest {

    @Test
    void aLiveHeapArrayIsCountedAndCanBeTakenOutAsActivations() {
        long[] held = new long[8 << 20]; // 64 MiB the measurement must see
        held[held.length - 1] = 1;
        RuntimeMemory m = RuntimeMemory.measure();
        assertTrue(m.heapResident() >= 64L << 20, m.describe());
        assertTrue(m.nonHeapUsed() > 0, m.describe()); // at least the code cache and metaspace of this test
        assertTrue(m.threads() >= 1 && m.stackBytesPerThread() >= 64 << 10, m.describe());
        assertEquals(m.heapResident() + m.nonHeapUsed() + (long) m.threads() * m.stackBytesPerThread(), m.totalBytes());
        assertEquals(m.totalBytes() - (64L << 20), m.otherBytes(64L << 20));
        assertThrows(IllegalArgumentException.class, () -> m.otherBytes(m.heapResident() + 1));
        assertTrue(RuntimeMemory.otherRuntimeBytes() >= 64L << 20);
        assertEquals(1, held[held.length - 1]);
    }

    @Test
    void theDescriptionAddsUp() {
        RuntimeMemory m = new RuntimeMemory(256L << 20, 48L << 20, 20, 1L << 20);
        assertEquals(324L << 20, m.totalBytes());
        assertEquals("heap 256MiB + non-heap 48MiB + 20 thread stacks x 1MiB = 324MiB", m.describe());
    }
}
