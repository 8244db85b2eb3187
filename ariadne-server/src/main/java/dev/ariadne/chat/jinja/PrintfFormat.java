package dev.ariadne.chat.jinja;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Python's {@code "..." % args} as jinja2's {@code format} filter uses it: %s %r %d %i %f %e %x %o %c %%. */
final class PrintfFormat {
    private PrintfFormat() {
    }

    static String format(String template, List<Object> args) {
        Map<?, ?> named = args.size() == 1 && args.getFirst() instanceof Map<?, ?> m ? m : null;
        StringBuilder out = new StringBuilder();
        int next = 0;
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i++);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i >= template.length()) {
                throw new TemplateException("ValueError: incomplete format");
            }
            Object value = null;
            boolean hasValue = false;
            if (template.charAt(i) == '(') {
                int close = template.indexOf(')', i);
                if (named == null || close < 0) {
                    throw new TemplateException("TypeError: format requires a mapping");
                }
                value = named.get(template.substring(i + 1, close));
                hasValue = true;
                i = close + 1;
            }
            int specStart = i;
            while (i < template.length() && "-+ #0123456789.".indexOf(template.charAt(i)) >= 0) {
                i++;
            }
            String flags = template.substring(specStart, i);
            char type = template.charAt(i++);
            if (type == '%') {
                out.append('%');
                continue;
            }
            if (!hasValue) {
                if (next >= args.size()) {
                    throw new TemplateException("TypeError: not enough arguments for format string");
                }
                value = args.get(next++);
            }
            out.append(convert(flags, type, value));
        }
        return out.toString();
    }

    private static String convert(String flags, char type, Object value) {
        String javaFlags = flags.replace("#", "");
        return switch (type) {
            case 's' -> String.format(Locale.ROOT, "%" + javaFlags + "s", Py.str(value));
            case 'r', 'a' -> String.format(Locale.ROOT, "%" + javaFlags + "s", Py.repr(value));
            case 'd', 'i', 'u' -> String.format(Locale.ROOT, "%" + javaFlags.replaceAll("\\.\\d*", "") + "d",
                    Py.isFloat(value) ? (long) Py.toDouble(value) : Py.toLong(value));
            case 'x', 'X', 'o' -> String.format(Locale.ROOT, "%" + flags + type, Py.toLong(value));
            case 'f', 'F', 'e', 'E', 'g', 'G' -> String.format(Locale.ROOT, "%" + javaFlags + type, Py.toDouble(value));
            case 'c' -> value instanceof String s ? s : Character.toString((int) Py.toLong(value));
            default -> throw new TemplateException("ValueError: unsupported format character '" + type + "'");
        };
    }
}
