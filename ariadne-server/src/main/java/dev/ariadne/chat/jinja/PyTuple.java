package dev.ariadne.chat.jinja;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/** A Python tuple: an immutable list that prints with parentheses. */
final class PyTuple extends AbstractList<Object> implements RandomAccess {
    private final Object[] items;

    PyTuple(List<?> items) {
        this.items = items.toArray();
    }

    PyTuple(Object... items) {
        this.items = items.clone();
    }

    @Override
    public Object get(int index) {
        return items[index];
    }

    @Override
    public int size() {
        return items.length;
    }
}
