package dev.ariadne.kv;

/**
 * The identity of a full block's keys and values: a 128-bit hash chained over the token ids of the block and of
 * every block before it, seeded by what else changes the keys (model, rope settings, a per-request salt, whether
 * the request runs without the model's rope scaling). Two
 * blocks with the same hash hold the same KV, so a request whose prompt starts with the same tokens can reuse them.
 * 128 bits make an accidental collision (which would silently corrupt an output) practically impossible.
 *
 * <pre>
 * hash(block 0) = H(seed,          tokens[0 .. B))
 * hash(block i) = H(hash(i - 1),   tokens[i*B .. (i+1)*B))
 * </pre>
 */
public record BlockHash(long hi, long lo) {
    private static final long K1 = 0x9E3779B97F4A7C15L, K2 = 0xC2B2AE3D27D4EB4FL;

    /** The first block's parent: mixes the cache salt (model and rope identity, request salt). */
    public static BlockHash root(long salt) {
        return root(salt, false);
    }

    /**
     * The root of a request that runs with ({@code ropeUnscaled} false: the hashes above) or without the model's
     * rope scaling (per-request YaRN). The choice enters the low word only, after the salt: equal high words mean
     * equal salts, and then the low words differ, so no salt of one kind meets the root of the other.
     */
    public static BlockHash root(long salt, boolean ropeUnscaled) {
        return new BlockHash(mix(salt ^ K1), mix(salt * K2 + 1 + (ropeUnscaled ? K1 : 0)));
    }

    /** The hash of the block holding {@code tokens[from .. from + count)} after {@code parent}. */
    public static BlockHash of(BlockHash parent, int[] tokens, int from, int count) {
        long a = parent.hi, b = parent.lo;
        for (int i = 0; i < count; i++) {
            long t = tokens[from + i] & 0xFFFFFFFFL;
            a = mix(a ^ (t + K1 + i));
            b = mix(b + t * K2 + (b << 7));
        }
        return new BlockHash(mix(a ^ count), mix(b + count));
    }

    /** splitmix64's finalizer: full avalanche of one 64-bit word. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
