package dev.ariadne.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The memory Ariadne's CPU engine may use on this machine: physical memory ({@code MemTotal} of /proc/meminfo), or
 * the cgroup's limit when it is lower (v2 {@code memory.max}, v1 {@code memory/memory.limit_in_bytes}).
 */
public record HostMemory(long physicalBytes, long cgroupLimitBytes, String cgroupFile) {

    public static HostMemory detect() {
        return detect(Path.of("/proc/meminfo"), Path.of("/sys/fs/cgroup"));
    }

    /** Reads the given meminfo file and cgroup root (tests pass fakes). */
    public static HostMemory detect(Path meminfo, Path cgroupRoot) {
        long physical = readMemTotal(meminfo);
        for (Path p : List.of(cgroupRoot.resolve("memory.max"), cgroupRoot.resolve("memory/memory.limit_in_bytes"))) {
            long limit = readLimit(p);
            if (limit > 0) {
                return new HostMemory(physical, limit, p.toString());
            }
        }
        return new HostMemory(physical, 0, null);
    }

    /** The usable total: the cgroup limit when it is set and below physical memory. */
    public long limit() {
        return limitedByCgroup() ? cgroupLimitBytes : physicalBytes;
    }

    /** Where {@link #limit()} comes from: {@code physical memory} or {@code cgroup limit /sys/fs/cgroup/memory.max}. */
    public String source() {
        return limitedByCgroup() ? "cgroup limit " + cgroupFile : "physical memory";
    }

    private boolean limitedByCgroup() {
        return cgroupLimitBytes > 0 && cgroupLimitBytes < physicalBytes;
    }

    public String describe() {
        if (limitedByCgroup()) {
            return ByteSize.gib(cgroupLimitBytes) + " cgroup limit (" + cgroupFile + ") of " + ByteSize.gib(physicalBytes)
                    + " physical";
        }
        return ByteSize.gib(physicalBytes) + " physical memory";
    }

    private static long readMemTotal(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemTotal:")) {
                    String[] f = line.trim().split("\\s+");
                    return Long.parseLong(f[1]) * (f.length > 2 && f[2].equalsIgnoreCase("kB") ? 1024 : 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the JVM's view
        }
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        throw new IllegalStateException("cannot tell this machine's memory: " + meminfo + " is unreadable");
    }

    /** A cgroup limit in bytes, or 0 when the file is missing, says "max", or is the "no limit" sentinel. */
    private static long readLimit(Path p) {
        try {
            if (!Files.isRegularFile(p)) return 0;
            String s = Files.readString(p).trim();
            if (s.isEmpty() || s.equals("max")) return 0;
            long v = Long.parseLong(s);
            return v >= Long.MAX_VALUE / 2 ? 0 : v; // v1 writes 9223372036854771712 for "no limit"
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }
}
