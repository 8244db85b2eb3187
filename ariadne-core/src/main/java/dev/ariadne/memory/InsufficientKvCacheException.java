package dev.ariadne.memory;

/**
 * The KV cache cannot hold one request of {@code --max-model-len} tokens, so the engine refuses to start (vLLM raises
 * a {@code ValueError} in {@code kv_cache_utils.py::check_enough_kv_cache_memory}).
 */
public final class InsufficientKvCacheException extends IllegalStateException {
    private final long largestMaxModelLen;

    public InsufficientKvCacheException(String message, long largestMaxModelLen) {
        super(message);
        this.largestMaxModelLen = largestMaxModelLen;
    }

    /** The longest {@code --max-model-len} the cache would serve; 0 when it holds no block at all. */
    public long largestMaxModelLen() {
        return largestMaxModelLen;
    }
}
