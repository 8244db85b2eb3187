package dev.ariadne.chat.jinja;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The functions a chat template can call: jinja2's {@code range}, {@code dict}, {@code namespace}, and
 * transformers' {@code raise_exception} and {@code strftime_now}.
 */
final class Globals {
    /** jinja2's sandbox refuses larger ranges. */
    private static final int MAX_RANGE = 100_000;

    private Globals() {
    }

    static Map<String, Object> standard(Clock clock) {
        Map<String, Object> g = new HashMap<>();
        g.put("range", (JinjaCallable) (args, kwargs) -> range(args));
        g.put("dict", (JinjaCallable) (args, kwargs) -> {
            Map<Object, Object> m = new LinkedHashMap<>();
            if (!args.isEmpty()) {
                if (!(args.getFirst() instanceof Map<?, ?> from)) {
                    throw new TemplateException("TypeError: dict() takes a mapping");
                }
                m.putAll(from);
            }
            m.putAll(kwargs);
            return m;
        });
        g.put("namespace", (JinjaCallable) (args, kwargs) -> {
            Namespace ns = new Namespace();
            if (!args.isEmpty()) {
                if (!(args.getFirst() instanceof Map<?, ?> from)) {
                    throw new TemplateException("TypeError: namespace() takes a mapping");
                }
                from.forEach((k, v) -> ns.attributes.put(Py.str(k), v));
            }
            ns.attributes.putAll(kwargs);
            return ns;
        });
        g.put("raise_exception", (JinjaCallable) (args, kwargs) -> {
            throw new TemplateException(args.isEmpty() ? "raise_exception() called" : Py.str(args.getFirst()));
        });
        g.put("strftime_now", (JinjaCallable) (args, kwargs) ->
                strftime(Py.str(new Args("strftime_now", args, kwargs).required(0, "format")), ZonedDateTime.now(clock)));
        return g;
    }

    private static List<Object> range(List<Object> args) {
        if (args.isEmpty() || args.size() > 3) {
            throw new TemplateException("TypeError: range expected 1 to 3 arguments, got " + args.size());
        }
        long start = args.size() == 1 ? 0 : Py.toLong(args.get(0));
        long stop = Py.toLong(args.size() == 1 ? args.get(0) : args.get(1));
        long step = args.size() == 3 ? Py.toLong(args.get(2)) : 1;
        if (step == 0) {
            throw new TemplateException("ValueError: range() arg 3 must not be zero");
        }
        long count = step > 0 ? Math.max(0, (stop - start + step - 1) / step) : Math.max(0, (start - stop - step - 1) / -step);
        if (count > MAX_RANGE) {
            throw new TemplateException("OverflowError: Range too big. The sandbox blocks ranges larger than MAX_RANGE ("
                    + MAX_RANGE + ").");
        }
        List<Object> out = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            out.add(start + i * step);
        }
        return out;
    }

    /** Python's {@code datetime.strftime} for the common directives (and glibc's {@code %-d} style). */
    static String strftime(String format, ZonedDateTime t) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 >= format.length()) {
                out.append(c);
                continue;
            }
            char d = format.charAt(++i);
            boolean noPad = d == '-' && i + 1 < format.length();
            if (noPad) {
                d = format.charAt(++i);
            }
            String two = noPad ? "%d" : "%02d";
            out.append(switch (d) {
                case 'Y' -> Integer.toString(t.getYear());
                case 'y' -> String.format(Locale.ROOT, two, t.getYear() % 100);
                case 'm' -> String.format(Locale.ROOT, two, t.getMonthValue());
                case 'd' -> String.format(Locale.ROOT, two, t.getDayOfMonth());
                case 'e' -> String.format(Locale.ROOT, "%2d", t.getDayOfMonth());
                case 'H' -> String.format(Locale.ROOT, two, t.getHour());
                case 'I' -> String.format(Locale.ROOT, two, (t.getHour() + 11) % 12 + 1);
                case 'M' -> String.format(Locale.ROOT, two, t.getMinute());
                case 'S' -> String.format(Locale.ROOT, two, t.getSecond());
                case 'p' -> t.getHour() < 12 ? "AM" : "PM";
                case 'j' -> String.format(Locale.ROOT, noPad ? "%d" : "%03d", t.getDayOfYear());
                case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
                case 'b', 'h' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
                case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                case 'w' -> Integer.toString(t.getDayOfWeek().getValue() % 7);
                case 'u' -> Integer.toString(t.getDayOfWeek().getValue());
                case '%' -> "%";
                default -> "%" + (noPad ? "-" : "") + d;
            });
        }
        return out.toString();
    }
}
