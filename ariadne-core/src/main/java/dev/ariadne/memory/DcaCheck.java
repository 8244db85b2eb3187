package dev.ariadne.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Whether {@link DcaBuffers} fit beside vLLM's budget on a device of {@code totalMemory}: after start-up the KV
 * cache fills the budget ({@code total x utilization}), so the buffers, which the profile did not see, must fit in
 * {@code total x (1 - utilization)}. Checked at the requested utilization and at the usual settings.
 */
public record DcaCheck(DcaBuffers buffers, long totalMemory, List<Fit> fits) {

    public record Fit(double utilization, long freeBytes, boolean fits) {
        public String line() {
            return String.format(Locale.ROOT, "utilization %.2f leaves %s outside the budget: %s", utilization,
                    ByteSize.gib(freeBytes), fits ? "the DCA buffers fit" : "the DCA buffers do not fit (OOM)");
        }
    }

    public static DcaCheck of(DcaBuffers buffers, long totalMemory, double requested) {
        TreeSet<Double> utilizations = new TreeSet<>(List.of(0.85, 0.90, 0.93, 0.95));
        utilizations.add(requested);
        List<Fit> fits = new ArrayList<>();
        for (double u : utilizations) {
            long free = (long) Math.floor(totalMemory * (1 - u));
            fits.add(new Fit(u, free, buffers.bytes() <= free));
        }
        return new DcaCheck(buffers, totalMemory, fits);
    }

    public Fit at(double utilization) {
        return fits.stream().filter(f -> Math.abs(f.utilization - utilization) < 1e-9).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no check at utilization " + utilization));
    }

    /** The highest utilization that still leaves room for the buffers. */
    public double maxUtilization() {
        return 1 - buffers.bytes() / (double) totalMemory;
    }
}
