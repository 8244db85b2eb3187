package dev.ariadne.sched;

import java.util.Locale;

/** What preemption does with a victim's KV: drop it and compute it again, or copy it to the swap tier. */
public enum PreemptionMode {
    RECOMPUTE,
    SWAP;

    public static PreemptionMode parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "recompute" -> RECOMPUTE;
            case "swap" -> SWAP;
            default -> throw new IllegalArgumentException("--preemption-mode must be recompute or swap, found '" + s
                    + "'");
        };
    }
}
