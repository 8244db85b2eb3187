package dev.ariadne.tokenizer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed set of worker threads that tokenize for concurrent requests ({@code --tokenizer-pool-size N}), so a long
 * prompt being tokenized does not hold up the others or the engine loop. Every worker uses the same immutable,
 * thread-safe {@link Tokenizer}. Close the pool to stop its threads.
 */
public final class TokenizerPool implements AutoCloseable {
    private final Tokenizer tokenizer;
    private final int size;
    private final ExecutorService workers;

    public TokenizerPool(Tokenizer tokenizer, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("tokenizer pool size must be at least 1, was " + size);
        }
        this.tokenizer = tokenizer;
        this.size = size;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "ariadne-tokenizer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.workers = Executors.newFixedThreadPool(size, threads);
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public int size() {
        return size;
    }

    /** {@link Tokenizer#encode} on a worker. */
    public CompletableFuture<int[]> encode(String text, boolean addSpecial, boolean parseSpecial) {
        return CompletableFuture.supplyAsync(() -> tokenizer.encode(text, addSpecial, parseSpecial), workers);
    }

    /** {@link Tokenizer#decode(int[])} on a worker. */
    public CompletableFuture<String> decode(int[] ids) {
        int[] copy = ids.clone();
        return CompletableFuture.supplyAsync(() -> tokenizer.decode(copy), workers);
    }

    /** Stops the workers after the queued work; waits up to 10 seconds for it. */
    @Override
    public void close() {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) workers.shutdownNow();
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
