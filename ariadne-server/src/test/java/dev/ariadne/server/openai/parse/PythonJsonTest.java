package dev.ariadne.server.openai.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The arguments round trip against Python's own: {@code python_json_cases.json} holds what Python 3.11's
 * {@code json.dumps(json.loads(text), ensure_ascii=False)} gives for each text, or that {@code json.loads} raised
 * (written by {@code make_python_json_cases.py} beside it).
 */
class PythonJsonTest {
    @Test
    void loadsThenDumpsAsPythonDoes() throws IOException {
        JsonNode cases;
        try (InputStream in = PythonJsonTest.class.getResourceAsStream("python_json_cases.json")) {
            cases = new ObjectMapper().readTree(in);
        }
        assertTrue(cases.size() > 25, "cases file read");
        int errors = 0;
        for (JsonNode c : cases) {
            String text = c.get("text").asText();
            if (c.has("error")) {
                errors++;
                assertThrows(JsonProcessingException.class, () -> PythonJson.loads(text),
                        () -> "json.loads raises for " + text);
            } else {
                assertEquals(c.get("dumps").asText(), PythonJson.dumps(PythonJson.loads(text)), text);
            }
        }
        assertTrue(errors >= 10, "error cases present");
    }
}
