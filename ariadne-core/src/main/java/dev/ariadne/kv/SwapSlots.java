package dev.ariadne.kv;

/**
 * Bookkeeping of the host/disk swap tier: which of its {@code capacity} block slots are free (an int stack, O(1)).
 * The scheduler decides with it; {@link SwapSpace} holds the bytes.
 */
public final class SwapSlots {
    private final int[] free;
    private int numFree;

    public SwapSlots(int capacity) {
        free = new int[capacity];
        for (int i = 0; i < capacity; i++) free[i] = capacity - 1 - i;
        numFree = capacity;
    }

    public int capacity() {
        return free.length;
    }

    public int numFree() {
        return numFree;
    }

    public int allocate() {
        if (numFree == 0) throw new IllegalStateException("swap space is full");
        return free[--numFree];
    }

    public void release(int slot) {
        if (numFree == free.length) throw new IllegalStateException("swap slot " + slot + " released twice");
        free[numFree++] = slot;
    }

    public boolean allFree() {
        return numFree == free.length;
    }
}
