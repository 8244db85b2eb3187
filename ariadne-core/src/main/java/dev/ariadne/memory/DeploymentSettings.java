package dev.ariadne.memory;

/** The resolved settings of one deployment (defaults filled in, {@code auto} types decided). */
public record DeploymentSettings(int tensorParallel, String weightsDtype, KvCacheDtype kvCacheDtype, int blockSize,
                                 int maxModelLen, int maxNumBatchedTokens) {
}
