package dev.ariadne.memory;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Sizes as users write them on the command line and as the plan prints them. */
class PlanByteSizeTest {

    @Test
    void parsesBinaryUnitsDecimalUnitsAndPlainBytes() {
        assertEquals((long) Math.floor(21.66 * (1L << 30)), ByteSize.parse("21.66GiB"));
        assertEquals(4_617_089_843L, ByteSize.parse("4.30GiB"));
        assertEquals(512L << 20, ByteSize.parse("512MiB"));
        assertEquals(80L << 30, ByteSize.parse("80GiB"));
        assertEquals(80_000_000_000L, ByteSize.parse("80GB"));
        assertEquals(4_617_089_843L, ByteSize.parse("4617089843"));
        assertEquals(1024, ByteSize.parse("1KiB"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("4.30"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("lots"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("3 parsecs"));
    }

    @Test
    void printsTheWayVllmLogs() {
        assertEquals("21.66GiB", ByteSize.gib(ByteSize.parse("21.66GiB")));
        assertEquals("4.30GiB", ByteSize.human(ByteSize.parse("4.30GiB")));
        assertEquals("512MiB", ByteSize.human(512L << 20));
        assertEquals("10.50MiB", ByteSize.human((21L << 20) / 2));
        assertEquals("24KiB", ByteSize.human(24_576));
        assertEquals("34B", ByteSize.human(34));
        assertEquals("187,840", ByteSize.count(187_840));
    }
}
