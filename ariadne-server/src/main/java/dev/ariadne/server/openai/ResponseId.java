package dev.ariadne.server.openai;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** A response's {@code id} and {@code created} (seconds), the same on every chunk of a stream. */
record ResponseId(String id, long created) {

    /** {@code prefix} + 32 random hex digits, as vLLM ({@code cmpl-}, {@code chatcmpl-}). */
    static ResponseId next(String prefix) {
        byte[] b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        return new ResponseId(prefix + HexFormat.of().formatHex(b), System.currentTimeMillis() / 1000);
    }
}
