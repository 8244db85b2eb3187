package dev.ariadne.server.openai.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ariadne.chat.jinja.PyJson;

/**
 * The JSON round trip vLLM's Hermes parser makes on a tool call: Python's {@code json.loads} on the model's text,
 * then {@code json.dumps(arguments, ensure_ascii=False)} on the arguments. The round trip is not the identity: it
 * rewrites separators to {@code ", "} and {@code ": "}, floats to Python's repr ({@code 1e5} becomes
 * {@code 100000.0}), escapes to the characters they stand for, and keeps the last of duplicated keys at the place of
 * the first, so arguments must go through it to come out byte for byte as vLLM sends them.
 *
 * <p>Jackson reads as {@code json.loads} does with two settings: trailing data after the value is an error
 * ({@code json.loads} raises "Extra data"), and {@code NaN}, {@code Infinity} and {@code -Infinity} are numbers.
 * Jackson's switch for the latter also accepts {@code INF} and {@code +Infinity}, which Python refuses; a model
 * writing those in tool arguments is the one place the two differ. Integers of any size stay exact (Jackson gives a
 * {@code BigInteger}, as Python keeps an {@code int}); other numbers are doubles, as Python's floats.
 */
final class PythonJson {
    private static final ObjectMapper READER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private PythonJson() {
    }

    /**
     * Python's {@code json.loads(text)} as plain values: maps in key order, lists, strings, booleans, {@code null},
     * {@code Integer}/{@code Long}/{@code BigInteger}, {@code Double}.
     *
     * @throws JsonProcessingException where {@code json.loads} raises (empty text included)
     */
    static Object loads(String text) throws JsonProcessingException {
        return READER.readValue(text, Object.class);
    }

    /** Python's {@code json.dumps(value, ensure_ascii=False)}. */
    static String dumps(Object value) {
        return PyJson.dumps(value, false);
    }
}
