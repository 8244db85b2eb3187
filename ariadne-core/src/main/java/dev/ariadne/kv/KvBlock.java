package dev.ariadne.kv;

/**
 * One block of the paged KV cache: {@code blockSize} token slots in every layer. Reference-counted by the requests
 * whose block tables hold it; a block with count 0 sits in the {@link FreeBlockQueue}, and if it is full and hashed
 * it still serves prefix-cache hits until it is evicted (reused for something else).
 */
public final class KvBlock {
    final int id;
    int refCount;
    BlockHash hash;          // set once the block is full and cached; cleared on eviction
    KvBlock prev, next;      // intrusive links of the free queue (null when not in it)

    KvBlock(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    public int refCount() {
        return refCount;
    }

    public BlockHash hash() {
        return hash;
    }

    @Override
    public String toString() {
        return "KvBlock[" + id + ", ref=" + refCount + (hash != null ? ", cached" : "") + "]";
    }
}
