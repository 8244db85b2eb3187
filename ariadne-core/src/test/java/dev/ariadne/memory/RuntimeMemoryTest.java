package dev.ariadne.memory;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

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

    /**
     * The young generation counts at its committed size, whatever part of it is in use at the moment of the
     * measurement: allocation walks through all of it between two collections, so all of it ends up resident.
     */
    @Test
    void theYoungGenerationCountsAtItsCommittedSize() {
        long before = youngCommitted();
        RuntimeMemory m = RuntimeMemory.measure();
        long after = youngCommitted(); // the collector may resize the young generation between the two readings
        assertTrue(before > 0, "no young generation pools named Eden or Survivor");
        assertTrue(m.heapResident() >= Math.min(before, after), m.describe() + " against young committed "
                + before + " / " + after);
    }

    private static long youngCommitted() {
        long young = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && (pool.getName().contains("Eden")
                    || pool.getName().contains("Survivor"))) {
                young += pool.getUsage().getCommitted();
            }
        }
        return young;
    }

    @Test
    void theDescriptionAddsUp() {
        RuntimeMemory m = new RuntimeMemory(256L << 20, 48L << 20, 20, 1L << 20);
        assertEquals(324L << 20, m.totalBytes());
        assertEquals("heap 256MiB + non-heap 48MiB + 20 thread stacks x 1MiB = 324MiB", m.describe());
    }
}
