package dev.ariadne.chat.jinja;

import java.util.List;

/** The {@code loop} variable of a {@code for}: index, index0, revindex, first, last, length, cycle, ... */
final class LoopContext {
    private final List<Object> items;
    private static final Object MISSING_VALUE = new Object();
    private int index0;
    private Object lastChanged = MISSING_VALUE;

    LoopContext(List<Object> items) {
        this.items = items;
    }

    void moveTo(int index) {
        index0 = index;
    }

    /** The attribute, or null when a loop has none of that name. */
    Object attribute(String name) {
        int n = items.size();
        return switch (name) {
            case "index0" -> (long) index0;
            case "index" -> (long) index0 + 1;
            case "revindex" -> (long) (n - index0);
            case "revindex0" -> (long) (n - index0 - 1);
            case "first" -> index0 == 0;
            case "last" -> index0 == n - 1;
            case "length" -> (long) n;
            case "depth" -> 1L;
            case "depth0" -> 0L;
            case "previtem" -> index0 > 0 ? items.get(index0 - 1) : new Undefined("there is no previous item");
            case "nextitem" -> index0 < n - 1 ? items.get(index0 + 1) : new Undefined("there is no next item");
            case "cycle" -> {
                int at = index0;
                yield (JinjaCallable) (args, kwargs) -> {
                    if (args.isEmpty()) {
                        throw new TemplateException("TypeError: no items for cycling given");
                    }
                    return args.get(at % args.size());
                };
            }
            case "changed" -> (JinjaCallable) (args, kwargs) -> {
                List<Object> value = new java.util.ArrayList<>(args);
                boolean changed = lastChanged == MISSING_VALUE || !Py.eq(value, lastChanged);
                lastChanged = value;
                return changed;
            };
            default -> null;
        };
    }

    @Override
    public String toString() {
        return "<LoopContext " + (index0 + 1) + "/" + items.size() + ">";
    }
}
