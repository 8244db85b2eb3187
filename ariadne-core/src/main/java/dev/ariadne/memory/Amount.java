package dev.ariadne.memory;

/** A number of bytes and where it comes from ("given", "estimated", "from config.json", "assumed"). */
public record Amount(long bytes, String origin) {

    public static Amount given(long bytes) {
        return new Amount(bytes, "given");
    }

    public boolean isGiven() {
        return origin.equals("given");
    }

    @Override
    public String toString() {
        return ByteSize.gib(bytes) + " (" + origin + ")";
    }
}
