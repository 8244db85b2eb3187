package dev.ariadne.memory;

import dev.ariadne.kv.KvCacheDType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.ariadne.memory.PlanFixtures.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CPU engine's memory: physical, or a lower cgroup limit (v2 memory.max or v1 limit_in_bytes). */
class PlanHostMemoryTest {
    @TempDir
    Path dir;

    private Path meminfo(long kib) throws IOException {
        Path p = dir.resolve("meminfo");
        Files.writeString(p, "MemTotal:       " + kib + " kB\nMemFree:        1000 kB\n");
        return p;
    }

    @Test
    void aLowerCgroupV2LimitWins() throws IOException {
        Path cg = Files.createDirectories(dir.resolve("cg2"));
        Files.writeString(cg.resolve("memory.max"), (8L << 30) + "\n");
        HostMemory m = HostMemory.detect(meminfo(32L << 20), cg);
        assertEquals(32L << 30, m.physicalBytes());
        assertEquals(8L << 30, m.limit());
        assertTrue(m.describe().contains("cgroup limit"), m.describe());
    }

    @Test
    void maxAndTheV1NoLimitSentinelMeanPhysicalMemory() throws IOException {
        Path v2 = Files.createDirectories(dir.resolve("v2"));
        Files.writeString(v2.resolve("memory.max"), "max\n");
        assertEquals(16L << 30, HostMemory.detect(meminfo(16L << 20), v2).limit());
        Path v1 = Files.createDirectories(dir.resolve("v1/memory"));
        Files.writeString(v1.resolve("memory.limit_in_bytes"), "9223372036854771712\n");
        assertEquals(16L << 30, HostMemory.detect(meminfo(16L << 20), dir.resolve("v1")).limit());
        Files.writeString(v1.resolve("memory.limit_in_bytes"), (4L << 30) + "\n");
        assertEquals(4L << 30, HostMemory.detect(meminfo(16L << 20), dir.resolve("v1")).limit());
    }

    @Test
    void thisMachineHasSomeMemory() {
        HostMemory m = HostMemory.detect();
        assertTrue(m.limit() > 256L << 20, m.describe());
    }

    @Test
    void theCpuEngineIsSizedFromTheHostWithTheSameFormulas() {
        PlannedModel qwen3 = config("Qwen3-0.6B");
        PlanInputs in = PlanInputs.builder().maxModelLen(32_768).build();
        DevicePlan cpu = MemoryPlanner.cpuEngine(qwen3, qwen3.shape(), in, new HostMemory(16L << 30, 0, null));
        RankBudget r = cpu.budget().smallest();
        assertEquals((long) Math.floor((16L << 30) * 0.9), r.requested());
        assertEquals(r.requested() - cpu.budget().nonKvBytes(), r.kv().bytes(), 1);
        assertEquals(r.kv().bytes() / KvFootprint.of(qwen3.shape(), 1, KvCacheDType.BF16).blockBytes(16),
                cpu.capacity().numBlocks());
        assertTrue(cpu.capacity().fitsOneRequest());
    }
}
