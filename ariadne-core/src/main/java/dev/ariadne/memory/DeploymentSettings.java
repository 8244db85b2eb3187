package dev.ariadne.memory;

import dev.ariadne.kv.KvCacheDType;

/** The resolved settings of one deployment (defaults filled in, {@code auto} types decided). */
public record DeploymentSettings(int tensorParallel, String weightsDtype, KvCacheDType kvCacheDtype, int blockSize,
                                 int maxModelLen, int maxNumBatchedTokens) {
}
