package dev.ariadne.kv;

/**
 * The free blocks in eviction order, as a doubly linked list threaded through the blocks themselves (vLLM's
 * {@code FreeKVCacheBlockQueue}): allocation takes from the front, freeing appends at the back, and a prefix-cache
 * hit on a free block unlinks it from the middle, all O(1) and allocation-free. Blocks freed last are reused last,
 * so the front holds the least recently used cached blocks.
 */
final class FreeBlockQueue {
    private final KvBlock head = new KvBlock(-1); // sentinels: head.next is the front, tail.prev the back
    private final KvBlock tail = new KvBlock(-1);
    private int size;

    FreeBlockQueue(KvBlock[] blocks) {
        head.next = tail;
        tail.prev = head;
        for (KvBlock b : blocks) append(b);
    }

    int size() {
        return size;
    }

    KvBlock popFront() {
        if (size == 0) {
            throw new IllegalStateException("no free KV blocks");
        }
        KvBlock b = head.next;
        remove(b);
        return b;
    }

    void append(KvBlock b) {
        if (b.next != null) {
            throw new IllegalStateException(b + " is already free");
        }
        b.prev = tail.prev;
        b.next = tail;
        tail.prev.next = b;
        tail.prev = b;
        size++;
    }

    void remove(KvBlock b) {
        if (b.next == null) {
            throw new IllegalStateException(b + " is not in the free queue");
        }
        b.prev.next = b.next;
        b.next.prev = b.prev;
        b.prev = null;
        b.next = null;
        size--;
    }

    boolean contains(KvBlock b) {
        return b.next != null;
    }
}
