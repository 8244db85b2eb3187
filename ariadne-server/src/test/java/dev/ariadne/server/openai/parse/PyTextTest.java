package dev.ariadne.server.openai.parse;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PyTextTest {
    /** Python 3.11: {@code [c for c in range(0x110000) if chr(c).isspace()]}, which is also what {@code \s} matches. */
    private static final Set<Integer> PYTHON_SPACES = Set.of(0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
            0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009,
            0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000);

    @Test
    void whitespaceIsPythonsOverTheWholeBmp() {
        for (int i = 0; i <= 0xFFFF; i++) {
            int c = i;
            assertEquals(PYTHON_SPACES.contains(c), PyText.isSpace((char) c), () -> "U+" + Integer.toHexString(c));
        }
    }

    @Test
    void stripAndBlank() {
        assertEquals("x \u00a0", PyText.lstrip("\u00a0\u2007\n\tx \u00a0"));
        assertEquals("", PyText.lstrip(" \u3000"));
        assertTrue(PyText.isBlank(""));
        assertTrue(PyText.isBlank("\n\n\u202f"));
        assertFalse(PyText.isBlank("\n.\n"));
    }

    @Test
    void partialTagOverlapAsVllmCountsIt() {
        assertEquals(5, PyText.partialTagOverlap("thinking <tool", "<tool_call>"));
        assertEquals(0, PyText.partialTagOverlap("hello", "<tool_call>"));
        assertEquals(1, PyText.partialTagOverlap("a<", "</think>"));
        assertEquals(7, PyText.partialTagOverlap("x</think", "</think>"));
        // A complete tag is not a partial one: the caller finds it with indexOf.
        assertEquals(0, PyText.partialTagOverlap("x</think>", "</think>"));
        assertEquals(0, PyText.partialTagOverlap("", "</think>"));
        // The longest overlap wins where several prefixes match.
        assertEquals(3, PyText.partialTagOverlap("<<<", "<<<<x"));
    }
}
