package dev.ariadne.chat.jinja;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ariadne.chat.JsonValues;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Differential test against jinja2: each case of {@code conformance.json} (written by {@code make_conformance.py}
 * with jinja2 3.1 set up as transformers sets it up) renders byte for byte the same, or fails where jinja2 failed,
 * with jinja2's message.
 */
class ChatJinjaConformanceTest {
    @TestFactory
    List<DynamicTest> rendersLikeJinja2() throws IOException {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("conformance.json")) {
            root = new ObjectMapper().readTree(in);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> context = (Map<String, Object>) JsonValues.toPlain(root.get("context"));
        List<DynamicTest> tests = new ArrayList<>();
        int i = 0;
        for (JsonNode c : root.get("cases")) {
            String source = c.get("template").asText();
            String name = String.format("%02d %s", i++, source.replace("\n", "\\n"));
            tests.add(DynamicTest.dynamicTest(name.length() > 90 ? name.substring(0, 90) : name, () -> {
                if (c.has("output")) {
                    assertEquals(c.get("output").asText(), Template.parse(source).render(context));
                } else {
                    TemplateException e = assertThrows(TemplateException.class,
                            () -> Template.parse(source).render(context));
                    String expected = c.get("message").asText();
                    assertTrue(e.getMessage().contains(expected),
                            () -> "jinja2 raised " + c.get("error").asText() + ": " + expected + "\nwe raised: "
                                    + e.getMessage());
                }
            }));
        }
        return tests;
    }
}
