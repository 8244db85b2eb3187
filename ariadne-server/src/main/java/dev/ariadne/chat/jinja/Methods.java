package dev.ariadne.chat.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Python methods templates call on values: most of {@code str}'s, {@code dict.items/keys/values/get}, and
 * {@code list.index/count}. Methods that change a value are unsafe in jinja2's immutable sandbox.
 */
final class Methods {
    private static final Set<String> UNSAFE_LIST = Set.of("append", "extend", "insert", "pop", "remove", "reverse",
            "sort", "clear");
    private static final Set<String> UNSAFE_DICT = Set.of("update", "pop", "popitem", "setdefault", "clear");
    private static final Set<String> STR = Set.of("strip", "lstrip", "rstrip", "split", "rsplit", "splitlines",
            "startswith", "endswith", "upper", "lower", "title", "capitalize", "swapcase", "replace", "find", "rfind",
            "index", "rindex", "count", "join", "isdigit", "isalpha", "isalnum", "isspace", "islower", "isupper",
            "isnumeric", "isdecimal", "removeprefix", "removesuffix", "zfill", "ljust", "rjust", "center", "format");
    private static final Set<String> DICT = Set.of("items", "keys", "values", "get", "copy");
    private static final Set<String> LIST = Set.of("index", "count", "copy");

    private Methods() {
    }

    static boolean isUnsafe(Object obj, String name) {
        return obj instanceof List && !(obj instanceof PyTuple) && UNSAFE_LIST.contains(name)
                || obj instanceof Map && UNSAFE_DICT.contains(name);
    }

    /** {@code obj.name} as a bound method, or null when {@code obj} has no such method. */
    static JinjaCallable bind(Object obj, String name) {
        boolean known = switch (obj) {
            case null -> false;
            case String s -> STR.contains(name);
            case Map<?, ?> m -> DICT.contains(name);
            case PyTuple t -> name.equals("index") || name.equals("count");
            case List<?> l -> LIST.contains(name);
            default -> false;
        };
        return known ? (args, kwargs) -> call(obj, name, new Args(name, args, kwargs)) : null;
    }

    private static Object call(Object obj, String name, Args a) {
        return switch (obj) {
            case String s -> string(s, name, a);
            case Map<?, ?> m -> dict(m, name, a);
            default -> list((List<?>) obj, name, a);
        };
    }

    private static Object dict(Map<?, ?> m, String name, Args a) {
        return switch (name) {
            case "items" -> {
                List<Object> items = new ArrayList<>(m.size());
                m.forEach((k, v) -> items.add(new PyTuple(k, v)));
                yield items;
            }
            case "keys" -> new ArrayList<Object>(m.keySet());
            case "values" -> new ArrayList<Object>(m.values());
            case "get" -> {
                Object key = a.required(0, "key");
                yield m.containsKey(key) ? m.get(key) : a.get(1, "default", null);
            }
            default -> new java.util.LinkedHashMap<Object, Object>(m);
        };
    }

    private static Object list(List<?> l, String name, Args a) {
        Object x = name.equals("copy") ? null : a.required(0, "value");
        return switch (name) {
            case "count" -> l.stream().filter(y -> Py.eq(x, y)).count();
            case "index" -> {
                for (int i = 0; i < l.size(); i++) {
                    if (Py.eq(l.get(i), x)) {
                        yield (long) i;
                    }
                }
                throw new TemplateException("ValueError: " + Py.repr(x) + " is not in list");
            }
            default -> new ArrayList<Object>(l);
        };
    }

    private static Object string(String s, String name, Args a) {
        return switch (name) {
            case "strip" -> PyStr.strip(s, a.optString(0, "chars"));
            case "lstrip" -> PyStr.lstrip(s, a.optString(0, "chars"));
            case "rstrip" -> PyStr.rstrip(s, a.optString(0, "chars"));
            case "split" -> PyStr.split(s, a.optString(0, "sep"), a.getLong(1, "maxsplit", -1));
            case "rsplit" -> PyStr.rsplit(s, a.optString(0, "sep"), a.getLong(1, "maxsplit", -1));
            case "splitlines" -> PyStr.splitlines(s, Py.truthy(a.get(0, "keepends", false)));
            case "startswith", "endswith" -> affix(s, name.equals("startswith"), a);
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> PyStr.title(s);
            case "capitalize" -> PyStr.capitalize(s);
            case "swapcase" -> swapcase(s);
            case "replace" -> replace(s, a.string(0, "old"), a.string(1, "new"), a.getLong(2, "count", -1));
            case "find", "rfind", "index", "rindex" -> find(s, name, a);
            case "count" -> count(s, a.string(0, "sub"));
            case "join" -> joinStrict(s, a.required(0, "iterable"));
            case "isdigit", "isnumeric", "isdecimal" -> !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
            case "isalpha" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
            case "isalnum" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetterOrDigit);
            case "isspace" -> !s.isEmpty() && s.chars().allMatch(PyStr::isSpace);
            case "islower" -> s.codePoints().anyMatch(Character::isLowerCase) && s.equals(s.toLowerCase(Locale.ROOT));
            case "isupper" -> s.codePoints().anyMatch(Character::isUpperCase) && s.equals(s.toUpperCase(Locale.ROOT));
            case "removeprefix" -> {
                String p = a.string(0, "prefix");
                yield s.startsWith(p) ? s.substring(p.length()) : s;
            }
            case "removesuffix" -> {
                String p = a.string(0, "suffix");
                yield !p.isEmpty() && s.endsWith(p) ? s.substring(0, s.length() - p.length()) : s;
            }
            case "zfill" -> zfill(s, (int) a.getLong(0, "width", 0));
            case "ljust", "rjust", "center" -> pad(s, name, (int) a.getLong(0, "width", 0), a.get(1, "fillchar", " "));
            default -> StrFormat.format(s, a.positional(), a.keywords());
        };
    }

    private static String joinStrict(String sep, Object iterable) {
        List<String> pieces = new ArrayList<>();
        for (Object item : Py.iterate(iterable)) {
            if (!(item instanceof String piece)) {
                throw new TemplateException("TypeError: sequence item " + pieces.size()
                        + ": expected str instance, " + Py.typeName(item) + " found");
            }
            pieces.add(piece);
        }
        return String.join(sep, pieces);
    }

    private static boolean affix(String s, boolean start, Args a) {
        Object what = a.required(0, start ? "prefix" : "suffix");
        List<Object> options = what instanceof PyTuple t ? t : List.of(what);
        for (Object o : options) {
            if (!(o instanceof String affix)) {
                throw new TemplateException("TypeError: " + (start ? "startswith" : "endswith")
                        + " first arg must be str or a tuple of str, not " + Py.typeName(o));
            }
            if (start ? s.startsWith(affix) : s.endsWith(affix)) {
                return true;
            }
        }
        return false;
    }

    static String replace(String s, String old, String replacement, long count) {
        if (count < 0) {
            return old.isEmpty() ? insertEverywhere(s, replacement) : s.replace(old, replacement);
        }
        StringBuilder b = new StringBuilder();
        int from = 0;
        for (long done = 0; done < count; done++) {
            int at = old.isEmpty() ? (from <= s.length() ? from : -1) : s.indexOf(old, from);
            if (at < 0) {
                break;
            }
            b.append(s, from, at).append(replacement);
            if (old.isEmpty()) {
                if (at < s.length()) {
                    b.appendCodePoint(s.codePointAt(at));
                }
                from = at + (at < s.length() ? Character.charCount(s.codePointAt(at)) : 1);
            } else {
                from = at + old.length();
            }
        }
        return from <= s.length() ? b.append(s.substring(from)).toString() : b.toString();
    }

    private static String insertEverywhere(String s, String r) {
        StringBuilder b = new StringBuilder(r);
        s.codePoints().forEach(c -> b.appendCodePoint(c).append(r));
        return b.toString();
    }

    private static Object find(String s, String name, Args a) {
        String sub = a.string(0, "sub");
        boolean reverse = name.startsWith("r");
        int at = reverse ? s.lastIndexOf(sub) : s.indexOf(sub);
        if (at < 0 && name.endsWith("index")) {
            throw new TemplateException("ValueError: substring not found");
        }
        return (long) (at < 0 ? -1 : s.codePointCount(0, at));
    }

    private static long count(String s, String sub) {
        if (sub.isEmpty()) {
            return PyStr.length(s) + 1;
        }
        long n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    private static String swapcase(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.appendCodePoint(Character.isUpperCase(c) ? Character.toLowerCase(c)
                : Character.isLowerCase(c) ? Character.toUpperCase(c) : c));
        return b.toString();
    }

    private static String zfill(String s, int width) {
        int n = PyStr.length(s);
        if (n >= width) {
            return s;
        }
        boolean signed = !s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-');
        String zeros = "0".repeat(width - n);
        return signed ? s.charAt(0) + zeros + s.substring(1) : zeros + s;
    }

    private static String pad(String s, String how, int width, Object fill) {
        int n = PyStr.length(s);
        if (n >= width) {
            return s;
        }
        String f = Py.str(fill);
        int total = width - n;
        int left = switch (how) {
            case "ljust" -> 0;
            case "rjust" -> total;
            default -> total / 2 + (total & width & 1);
        };
        return f.repeat(left) + s + f.repeat(total - left);
    }
}
