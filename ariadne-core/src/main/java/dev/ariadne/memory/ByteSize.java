package dev.ariadne.memory;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory sizes as users write them and as the planner prints them. Binary units throughout, as vLLM logs them:
 * {@code 21.66GiB} is {@code 21.66 * 2^30} bytes, truncated to whole bytes (vLLM does the same arithmetic in floating
 * point and floors when it divides into blocks).
 */
public final class ByteSize {
    public static final long KiB = 1L << 10;
    public static final long MiB = 1L << 20;
    public static final long GiB = 1L << 30;
    public static final long TiB = 1L << 40;

    private static final Pattern SIZE = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)\\s*([A-Za-z]*)\\s*");

    private ByteSize() {
    }

    /**
     * Parses {@code 21.66GiB}, {@code 512MiB}, {@code 4KiB}, {@code 1TiB}, decimal {@code 80GB}/{@code 500MB}, or a
     * plain number of bytes ({@code 4617089843}, {@code 4617089843B}).
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: write 21.66GiB, 512MiB or a number of bytes");
        }
        double number = Double.parseDouble(m.group(1));
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        double scale = switch (unit) {
            case "", "b" -> 1;
            case "k", "ki", "kib" -> KiB;
            case "m", "mi", "mib" -> MiB;
            case "g", "gi", "gib" -> GiB;
            case "t", "ti", "tib" -> TiB;
            case "kb" -> 1e3;
            case "mb" -> 1e6;
            case "gb" -> 1e9;
            case "tb" -> 1e12;
            default -> throw new IllegalArgumentException("'" + text + "': unknown unit '" + m.group(2)
                    + "' (use B, KiB, MiB, GiB, TiB, or KB, MB, GB, TB)");
        };
        if (scale == 1 && number != Math.rint(number)) {
            throw new IllegalArgumentException("'" + text + "' is a fraction of a byte: add a unit, e.g. " + text + "GiB");
        }
        return (long) Math.floor(number * scale);
    }

    /** {@code 4.30GiB}: two decimals of GiB, the way vLLM logs memory. */
    public static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2fGiB", bytes / (double) GiB);
    }

    /**
     * The most readable unit: {@code 21.66GiB} at or above 1 GiB, {@code 512MiB} or {@code 10.50MiB} at or above
     * 1 MiB, {@code 24KiB} or {@code 68.63KiB} at or above 1 KiB, else {@code 34B}.
     */
    public static String human(long bytes) {
        long abs = Math.abs(bytes);
        if (abs >= GiB) return gib(bytes);
        if (abs >= MiB) return scaled(bytes, MiB, "MiB");
        if (abs >= KiB) return scaled(bytes, KiB, "KiB");
        return bytes + "B";
    }

    /** Like {@link #human} but for a fractional number of bytes (0.5625 B per value, 1.0625 B ...). */
    public static String human(double bytes) {
        if (bytes == Math.rint(bytes)) return human((long) bytes);
        if (Math.abs(bytes) >= KiB) return human(Math.round(bytes));
        return String.format(Locale.ROOT, "%.4fB", bytes).replaceAll("0+B$", "B");
    }

    private static String scaled(long bytes, long unit, String name) {
        if (bytes % unit == 0) return (bytes / unit) + name;
        return String.format(Locale.ROOT, "%.2f%s", bytes / (double) unit, name);
    }

    /** {@code 187,840}: thousands separated by commas, as vLLM's v1 start-up log prints token counts. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
