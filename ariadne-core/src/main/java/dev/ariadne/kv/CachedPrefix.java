package dev.ariadne.kv;

import java.util.List;

/**
 * The longest run of a prompt's leading full blocks found in the prefix cache: those blocks and the number of
 * tokens they hold, which the request does not compute again.
 */
public record CachedPrefix(List<KvBlock> blocks, List<BlockHash> hashes, int numTokens) {
    public static final CachedPrefix NONE = new CachedPrefix(List.of(), List.of(), 0);

    public CachedPrefix {
        blocks = List.copyOf(blocks);
        hashes = List.copyOf(hashes);
    }
}
