package dev.ariadne.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * This process's resident memory as Linux counts it ({@code /proc/self/status}): what a benchmark sets against the
 * planner's prediction. The high-water mark ({@code VmHWM}) includes the mapped weights, the KV pages written so far,
 * the JVM heap and the activation buffers.
 */
public final class ResidentMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentMemory() {
    }

    /** Peak resident bytes since the process started; empty where /proc is not available. */
    public static OptionalLong peakBytes() {
        return field("VmHWM:");
    }

    /** Resident bytes now; empty where /proc is not available. */
    public static OptionalLong currentBytes() {
        return field("VmRSS:");
    }

    private static OptionalLong field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    String kib = line.substring(name.length()).trim().split("\\s+")[0];
                    return OptionalLong.of(Long.parseLong(kib) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
