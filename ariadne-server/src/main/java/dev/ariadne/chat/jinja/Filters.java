package dev.ariadne.chat.jinja;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * jinja2's built-in filters that chat templates use, with jinja2's semantics, plus transformers' {@code tojson}
 * ({@code json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)}).
 */
final class Filters {
    private static final Set<String> NAMES = Set.of("abs", "attr", "capitalize", "count", "d", "default", "dictsort",
            "e", "escape", "first", "float", "indent", "int", "items", "join", "last", "length", "list", "lower", "map",
            "max", "min", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr", "sort",
            "string", "sum", "title", "tojson", "trim", "unique", "upper", "wordcount", "format", "center", "batch");
    /** Filters that use an undefined value in a way jinja2's Undefined refuses; the others see it as empty. */
    private static final Set<String> FAIL_ON_UNDEFINED = Set.of("abs", "attr", "dictsort", "float", "int", "round");
    private static final Pattern WORD_BEGINNING = Pattern.compile("([-\\s({\\[<]+)");
    private static final Pattern WORD = Pattern.compile("\\w+", Pattern.UNICODE_CHARACTER_CLASS);

    private Filters() {
    }

    static boolean exists(String name) {
        return NAMES.contains(name);
    }

    static Object apply(String name, Object v, Args a) {
        if (v instanceof Undefined u && FAIL_ON_UNDEFINED.contains(name)) {
            throw u.error();
        }
        return switch (name) {
            case "abs" -> Py.isFloat(v) ? (Object) Math.abs(Py.toDouble(v)) : (Object) Math.abs(Py.toLong(v));
            case "attr" -> Attributes.getattr(v, a.string(0, "name"));
            case "capitalize" -> PyStr.capitalize(Py.str(v));
            case "count", "length" -> (long) Py.len(v);
            case "d", "default" -> v instanceof Undefined || a.flag(1, "boolean", false) && !Py.truthy(v)
                    ? a.get(0, "default_value", "") : v;
            case "dictsort" -> dictsort(v, a);
            case "e", "escape" -> escape(Py.str(v));
            case "first" -> first(Py.iterate(v), true);
            case "last" -> first(Py.iterate(v).reversed(), false);
            case "float" -> toFloat(v, a.get(0, "default", 0.0));
            case "indent" -> indent(Py.str(v), a.get(0, "width", 4L), a.flag(1, "first", false),
                    a.flag(2, "blank", false));
            case "int" -> toInt(v, a.get(0, "default", 0L), a.getLong(1, "base", 10));
            case "items" -> items(v);
            case "join" -> join(v, a);
            case "list" -> new ArrayList<>(Py.iterate(v));
            case "lower" -> Py.str(v).toLowerCase(Locale.ROOT);
            case "upper" -> Py.str(v).toUpperCase(Locale.ROOT);
            case "map" -> map(v, a);
            case "max", "min" -> extreme(v, a, name.equals("max"));
            case "select", "reject" -> filterItems(v, a, false, name.equals("select"));
            case "selectattr", "rejectattr" -> filterItems(v, a, true, name.equals("selectattr"));
            case "replace" -> Methods.replace(Py.str(v), Py.str(a.required(0, "old")), Py.str(a.required(1, "new")),
                    a.getLong(2, "count", -1));
            case "reverse" -> v instanceof String s ? new StringBuilder(s).reverse().toString()
                    : new ArrayList<>(Py.iterate(v).reversed());
            case "round" -> round(v, (int) a.getLong(0, "precision", 0), Py.str(a.get(1, "method", "common")));
            case "safe", "string" -> Py.str(v);
            case "sort" -> sort(v, a);
            case "sum" -> sum(v, a);
            case "title" -> title(Py.str(v));
            case "tojson" -> PyJson.dumps(v, a.flag(0, "ensure_ascii", false), a.get(1, "indent", null),
                    a.get(2, "separators", null), a.flag(3, "sort_keys", false));
            case "trim" -> PyStr.strip(Py.str(v), a.optString(0, "chars"));
            case "unique" -> unique(v, a);
            case "wordcount" -> {
                Matcher m = WORD.matcher(Py.str(v));
                long n = 0;
                while (m.find()) {
                    n++;
                }
                yield n;
            }
            case "format" -> PrintfFormat.format(Py.str(v), a.positional());
            case "center" -> {
                String s = Py.str(v);
                int width = (int) a.getLong(0, "width", 80);
                int pad = width - PyStr.length(s);
                if (pad <= 0) {
                    yield s;
                }
                int left = pad / 2 + (pad & width & 1);
                yield " ".repeat(left) + s + " ".repeat(pad - left);
            }
            case "batch" -> batch(v, a);
            default -> throw new IllegalStateException("filter " + name + " is listed but not implemented");
        };
    }

    private static Object first(List<Object> items, boolean first) {
        if (items.isEmpty()) {
            return new Undefined("No " + (first ? "first" : "last") + " item, sequence was empty.");
        }
        return items.getFirst();
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&#34;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static Object toFloat(Object v, Object fallback) {
        try {
            if (v instanceof String s) {
                return Double.parseDouble(PyStr.strip(s, null).replace("_", ""));
            }
            return Py.isNumber(v) ? Py.toDouble(v) : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static Object toInt(Object v, Object fallback, long base) {
        if (Py.isNumber(v)) {
            return Py.isFloat(v) ? (long) Py.toDouble(v) : Py.toLong(v);
        }
        if (v instanceof String s) {
            String t = PyStr.strip(s, null).replace("_", "");
            try {
                if (base == 16 && t.toLowerCase(Locale.ROOT).startsWith("0x")) {
                    t = t.substring(2);
                }
                return Long.parseLong(t, (int) base);
            } catch (NumberFormatException e) {
                try {
                    return (long) Double.parseDouble(t);
                } catch (NumberFormatException e2) {
                    return fallback;
                }
            }
        }
        return fallback;
    }

    private static String indent(String text, Object width, boolean first, boolean blank) {
        String pad = width instanceof String w ? w : " ".repeat((int) Py.toLong(width));
        List<Object> lines = PyStr.splitlines(text + "\n", false);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = (String) lines.get(i);
            if (i > 0) {
                out.append('\n');
                if (blank || !line.isEmpty()) {
                    out.append(pad);
                }
            }
            out.append(line);
        }
        return first ? pad + out : out.toString();
    }

    private static Object items(Object v) {
        if (v instanceof Undefined) {
            return List.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new TemplateException("TypeError: Can only get item pairs from a mapping.");
        }
        List<Object> out = new ArrayList<>();
        m.forEach((k, x) -> out.add(new PyTuple(k, x)));
        return out;
    }

    private static String join(Object v, Args a) {
        String sep = Py.str(a.get(0, "d", ""));
        Object attribute = a.get(1, "attribute", null);
        StringBuilder b = new StringBuilder();
        boolean first = true;
        for (Object item : Py.iterate(v)) {
            if (!first) {
                b.append(sep);
            }
            b.append(Py.str(attribute == null ? item : attributePath(item, attribute)));
            first = false;
        }
        return b.toString();
    }

    /** jinja2's make_attrgetter: {@code "a.b.0"} walks attributes and items. */
    static Object attributePath(Object item, Object attribute) {
        if (!(attribute instanceof String path)) {
            return Attributes.getitem(item, attribute);
        }
        Object v = item;
        for (String part : path.split("\\.")) {
            v = Attributes.getitem(v, part.chars().allMatch(Character::isDigit) && !part.isEmpty()
                    ? (Object) Long.parseLong(part) : part);
        }
        return v;
    }

    private static Object dictsort(Object v, Args a) {
        boolean caseSensitive = a.flag(0, "case_sensitive", false);
        String by = Py.str(a.get(1, "by", "key"));
        boolean reverse = a.flag(2, "reverse", false);
        List<Object> items = new ArrayList<>((List<?>) items(v));
        int position = by.equals("value") ? 1 : 0;
        Comparator<Object> order = (x, y) -> Py.compare(sortKey(((PyTuple) x).get(position), caseSensitive),
                sortKey(((PyTuple) y).get(position), caseSensitive), "<");
        items.sort(reverse ? order.reversed() : order);
        return items;
    }

    private static Object sortKey(Object v, boolean caseSensitive) {
        return !caseSensitive && v instanceof String s ? s.toLowerCase(Locale.ROOT) : v;
    }

    private static Object sort(Object v, Args a) {
        boolean reverse = a.flag(0, "reverse", false);
        boolean caseSensitive = a.flag(1, "case_sensitive", false);
        Object attribute = a.get(2, "attribute", null);
        List<Object> items = new ArrayList<>(Py.iterate(v));
        Comparator<Object> order = (x, y) -> Py.compare(
                sortKey(attribute == null ? x : attributePath(x, attribute), caseSensitive),
                sortKey(attribute == null ? y : attributePath(y, attribute), caseSensitive), "<");
        items.sort(reverse ? order.reversed() : order);
        return items;
    }

    private static Object unique(Object v, Args a) {
        boolean caseSensitive = a.flag(0, "case_sensitive", false);
        Object attribute = a.get(1, "attribute", null);
        List<Object> out = new ArrayList<>();
        List<Object> seen = new ArrayList<>();
        for (Object item : Py.iterate(v)) {
            Object key = sortKey(attribute == null ? item : attributePath(item, attribute), caseSensitive);
            if (seen.stream().noneMatch(s -> Py.eq(s, key))) {
                seen.add(key);
                out.add(item);
            }
        }
        return out;
    }

    private static Object extreme(Object v, Args a, boolean max) {
        boolean caseSensitive = a.flag(0, "case_sensitive", false);
        Object attribute = a.get(1, "attribute", null);
        Object best = null;
        Object bestKey = null;
        for (Object item : Py.iterate(v)) {
            Object key = sortKey(attribute == null ? item : attributePath(item, attribute), caseSensitive);
            if (best == null || (max ? Py.compare(key, bestKey, ">") > 0 : Py.compare(key, bestKey, "<") < 0)) {
                best = item;
                bestKey = key;
            }
        }
        return best == null ? new Undefined("No aggregated item, sequence was empty.") : best;
    }

    private static Object sum(Object v, Args a) {
        Object attribute = a.get(0, "attribute", null);
        Object total = a.get(1, "start", 0L);
        for (Object item : Py.iterate(v)) {
            total = Operators.binary("+", total, attribute == null ? item : attributePath(item, attribute));
        }
        return total;
    }

    private static Object map(Object v, Args a) {
        List<Object> out = new ArrayList<>();
        if (a.keywords().containsKey("attribute")) {
            Object attribute = a.keywords().get("attribute");
            boolean hasDefault = a.keywords().containsKey("default");
            for (Object item : Py.iterate(v)) {
                Object x = attributePath(item, attribute);
                out.add(x instanceof Undefined && hasDefault ? a.keywords().get("default") : x);
            }
            return out;
        }
        String filter = Py.str(a.required(0, "filter"));
        if (!exists(filter)) {
            throw new TemplateException("TemplateRuntimeError: No filter named '" + filter + "'.");
        }
        Args rest = new Args(filter, a.positional().subList(1, a.positional().size()), a.keywords());
        for (Object item : Py.iterate(v)) {
            out.add(apply(filter, item, rest));
        }
        return out;
    }

    private static Object filterItems(Object v, Args a, boolean byAttribute, boolean keep) {
        int testAt = byAttribute ? 1 : 0;
        Object attribute = byAttribute ? a.required(0, "attribute") : null;
        Predicate<Object> test;
        if (a.positional().size() > testAt) {
            String name = Py.str(a.positional().get(testAt));
            if (!Tests.exists(name)) {
                throw new TemplateException("TemplateRuntimeError: No test named '" + name + "'.");
            }
            Args rest = new Args(name, a.positional().subList(testAt + 1, a.positional().size()), a.keywords());
            test = x -> Py.truthy(Tests.apply(name, x, rest));
        } else {
            test = Py::truthy;
        }
        List<Object> out = new ArrayList<>();
        for (Object item : Py.iterate(v)) {
            Object subject = byAttribute ? attributePath(item, attribute) : item;
            if (test.test(subject) == keep) {
                out.add(item);
            }
        }
        return out;
    }

    private static Object round(Object v, int precision, String method) {
        double d = Py.toDouble(v);
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return d;
        }
        if (method.equals("common")) {
            return new BigDecimal(d).setScale(precision, RoundingMode.HALF_EVEN).doubleValue();
        }
        if (!method.equals("ceil") && !method.equals("floor")) {
            throw new TemplateException("FilterArgumentError: method must be common, ceil or floor");
        }
        double scale = Math.pow(10, precision);
        double scaled = d * scale;
        return (method.equals("ceil") ? Math.ceil(scaled) : Math.floor(scaled)) / scale;
    }

    /** jinja2's title: each word split at {@code -}, whitespace or an opening bracket gets an upper first letter. */
    private static String title(String s) {
        StringBuilder b = new StringBuilder();
        Matcher m = WORD_BEGINNING.matcher(s);
        int from = 0;
        List<String> pieces = new ArrayList<>();
        while (m.find()) {
            pieces.add(s.substring(from, m.start()));
            pieces.add(m.group());
            from = m.end();
        }
        pieces.add(s.substring(from));
        for (String piece : pieces) {
            if (!piece.isEmpty()) {
                int first = piece.codePointAt(0);
                b.appendCodePoint(Character.toUpperCase(first))
                        .append(piece.substring(Character.charCount(first)).toLowerCase(Locale.ROOT));
            }
        }
        return b.toString();
    }

    private static Object batch(Object v, Args a) {
        long size = a.getLong(0, "linecount", 1);
        Object fill = a.get(1, "fill_with", null);
        boolean pad = a.has(1, "fill_with");
        List<Object> out = new ArrayList<>();
        List<Object> current = new ArrayList<>();
        for (Object item : Py.iterate(v)) {
            current.add(item);
            if (current.size() == size) {
                out.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            while (pad && current.size() < size) {
                current.add(fill);
            }
            out.add(current);
        }
        return out;
    }
}
