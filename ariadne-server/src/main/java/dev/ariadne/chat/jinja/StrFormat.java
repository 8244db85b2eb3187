package dev.ariadne.chat.jinja;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Python's {@code str.format}: {@code {}}, {@code {0}}, {@code {name}}, {@code {{}}/{@code }}} escapes, {@code .attr}
 * and {@code [key]} in a field, {@code !s}/{@code !r}, and the common format specs (fill, align, sign, zero, width,
 * precision, types s d f e %).
 */
final class StrFormat {
    private StrFormat() {
    }

    static String format(String template, List<Object> args, Map<String, Object> kwargs) {
        StringBuilder out = new StringBuilder();
        int auto = 0;
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '}' ) {
                if (i + 1 < template.length() && template.charAt(i + 1) == '}') {
                    out.append('}');
                    i += 2;
                    continue;
                }
                throw new TemplateException("ValueError: Single '}' encountered in format string");
            }
            if (c != '{') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 < template.length() && template.charAt(i + 1) == '{') {
                out.append('{');
                i += 2;
                continue;
            }
            int close = template.indexOf('}', i);
            if (close < 0) {
                throw new TemplateException("ValueError: Single '{' encountered in format string");
            }
            String field = template.substring(i + 1, close);
            i = close + 1;
            String spec = "";
            int colon = field.indexOf(':');
            if (colon >= 0) {
                spec = field.substring(colon + 1);
                field = field.substring(0, colon);
            }
            char conversion = 0;
            int bang = field.indexOf('!');
            if (bang >= 0) {
                conversion = field.length() > bang + 1 ? field.charAt(bang + 1) : 0;
                field = field.substring(0, bang);
            }
            int end = 0;
            while (end < field.length() && field.charAt(end) != '.' && field.charAt(end) != '[') {
                end++;
            }
            String head = field.substring(0, end);
            Object value;
            if (head.isEmpty()) {
                value = argument(args, auto++);
            } else if (head.chars().allMatch(Character::isDigit)) {
                value = argument(args, Integer.parseInt(head));
            } else {
                if (!kwargs.containsKey(head)) {
                    throw new TemplateException("KeyError: " + Py.repr(head));
                }
                value = kwargs.get(head);
            }
            value = path(value, field.substring(end));
            String text = conversion == 'r' ? Py.repr(value) : null;
            out.append(applySpec(text != null ? text : value, spec));
        }
        return out.toString();
    }

    private static Object argument(List<Object> args, int index) {
        if (index >= args.size()) {
            throw new TemplateException("IndexError: Replacement index " + index + " out of range for positional args tuple");
        }
        return args.get(index);
    }

    private static Object path(Object value, String rest) {
        Object v = value;
        int i = 0;
        while (i < rest.length()) {
            if (rest.charAt(i) == '.') {
                int end = i + 1;
                while (end < rest.length() && rest.charAt(end) != '.' && rest.charAt(end) != '[') {
                    end++;
                }
                v = Attributes.getattr(v, rest.substring(i + 1, end));
                i = end;
            } else {
                int end = rest.indexOf(']', i);
                String key = rest.substring(i + 1, end);
                v = Attributes.getitem(v, key.chars().allMatch(Character::isDigit) ? (Object) Long.parseLong(key) : key);
                i = end + 1;
            }
        }
        return v;
    }

    /** One value formatted by a Python format spec. */
    static String applySpec(Object value, String spec) {
        if (spec.isEmpty()) {
            return Py.str(value);
        }
        int i = 0;
        char fill = ' ';
        char align = 0;
        if (spec.length() >= 2 && "<>^=".indexOf(spec.charAt(1)) >= 0) {
            fill = spec.charAt(0);
            align = spec.charAt(1);
            i = 2;
        } else if ("<>^=".indexOf(spec.charAt(0)) >= 0) {
            align = spec.charAt(0);
            i = 1;
        }
        char sign = '-';
        if (i < spec.length() && "+- ".indexOf(spec.charAt(i)) >= 0) {
            sign = spec.charAt(i++);
        }
        if (i < spec.length() && spec.charAt(i) == '0') {
            if (align == 0) {
                fill = '0';
                align = '=';
            }
            i++;
        }
        int width = 0;
        while (i < spec.length() && Character.isDigit(spec.charAt(i))) {
            width = width * 10 + spec.charAt(i++) - '0';
        }
        int precision = -1;
        if (i < spec.length() && spec.charAt(i) == '.') {
            precision = 0;
            i++;
            while (i < spec.length() && Character.isDigit(spec.charAt(i))) {
                precision = precision * 10 + spec.charAt(i++) - '0';
            }
        }
        char type = i < spec.length() ? spec.charAt(i) : 0;
        String body;
        boolean numeric = Py.isNumber(value) && !(value instanceof String);
        if (numeric && type != 's') {
            double d = Py.toDouble(value);
            boolean negative = d < 0 || (d == 0 && 1 / d < 0);
            body = switch (type) {
                case 'f', 'F' -> String.format(Locale.ROOT, "%." + (precision < 0 ? 6 : precision) + "f", Math.abs(d));
                case 'e', 'E' -> pyExponent(String.format(Locale.ROOT, "%." + (precision < 0 ? 6 : precision) + "e",
                        Math.abs(d)));
                case '%' -> String.format(Locale.ROOT, "%." + (precision < 0 ? 6 : precision) + "f", Math.abs(d) * 100) + "%";
                case 'd' -> Long.toString(Math.abs(Py.toLong(value)));
                default -> Py.str(Py.isFloat(value) ? (Object) Math.abs(d) : (Object) Math.abs(Py.toLong(value)));
            };
            String prefix = negative ? "-" : sign == '+' ? "+" : sign == ' ' ? " " : "";
            if (align == '=') {
                return prefix + String.valueOf(fill).repeat(Math.max(0, width - prefix.length() - body.length())) + body;
            }
            body = prefix + body;
            if (align == 0) {
                align = '>';
            }
        } else {
            body = Py.str(value);
            if (precision >= 0 && PyStr.length(body) > precision) {
                body = body.substring(0, body.offsetByCodePoints(0, precision));
            }
            if (align == 0) {
                align = '<';
            }
        }
        int pad = Math.max(0, width - PyStr.length(body));
        String f = String.valueOf(fill);
        return switch (align) {
            case '<' -> body + f.repeat(pad);
            case '^' -> f.repeat(pad / 2) + body + f.repeat(pad - pad / 2);
            default -> f.repeat(pad) + body;
        };
    }

    private static String pyExponent(String javaForm) {
        int e = javaForm.indexOf('e');
        String exponent = javaForm.substring(e + 1);
        char sign = exponent.charAt(0);
        String digits = exponent.substring(1).replaceFirst("^0+(?=\\d\\d)", "");
        return javaForm.substring(0, e) + "e" + sign + digits;
    }
}
