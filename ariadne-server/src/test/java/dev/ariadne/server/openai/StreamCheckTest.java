package dev.ariadne.server.openai;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The load test's stream checker accepts a good stream and names the first problem of each bad one. */
class StreamCheckTest {
    private static final String HEAD = "\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":5,"
            + "\"model\":\"qwen3-chat\"";
    private static final String ROLE = "{" + HEAD + ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
            + "\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}";
    private static final String TOKEN = "{" + HEAD + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},"
            + "\"logprobs\":null,\"finish_reason\":null}]}";
    private static final String FINISH = "{" + HEAD + ",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,"
            + "\"finish_reason\":\"length\"}]}";
    private static final String USAGE = "{" + HEAD + ",\"choices\":[],\"usage\":{\"prompt_tokens\":3,"
            + "\"completion_tokens\":2,\"total_tokens\":5}}";

    /** Feeds {@code events} as SSE (each "data: X" and a blank line), then EOF; the first problem or null. */
    private static String run(int maxTokens, boolean usage, String... events) {
        List<String> lines = new ArrayList<>();
        for (String e : events) {
            lines.add("data: " + e);
            lines.add("");
        }
        return feed(new StreamCheck(true, maxTokens, usage), lines);
    }

    private static String feed(StreamCheck check, List<String> lines) {
        for (String line : lines) {
            String p = check.line(line);
            if (p != null) return p;
        }
        return check.end();
    }

    @Test
    void aWellFormedStreamPasses() {
        assertNull(run(2, true, ROLE, TOKEN, TOKEN, FINISH, USAGE, "[DONE]"));
        assertNull(run(2, false, ROLE, TOKEN, FINISH, "[DONE]"));
    }

    @Test
    void eachBrokenRuleIsNamed() {
        assertTrue(run(2, true, ROLE, TOKEN).startsWith("EOF before data: [DONE]"));
        assertTrue(run(2, false, ROLE, TOKEN, "[DONE]").startsWith("data: [DONE] before any finish_reason"));
        assertTrue(run(2, true, ROLE, FINISH, "[DONE]").startsWith("include_usage asked"));
        assertTrue(run(2, true, ROLE, USAGE, FINISH, "[DONE]").startsWith("usage before the finish chunk"));
        assertTrue(run(3, true, ROLE, FINISH, USAGE, "[DONE]").startsWith("finish_reason length after 2 of 3"));
        assertTrue(run(2, false, ROLE, FINISH, TOKEN, "[DONE]").startsWith("a choice chunk after the finish chunk"));
        assertTrue(run(2, false, TOKEN, FINISH, "[DONE]").startsWith("first delta has no assistant role"));
        assertTrue(run(2, false, ROLE, TOKEN.replace("chatcmpl-1", "chatcmpl-2"), FINISH, "[DONE]")
                .startsWith("id or created changed"));
        assertTrue(run(2, false, ROLE, "{\"error\":{\"message\":\"boom\"}}").startsWith("error event"));
        assertTrue(run(2, false, ROLE, "{not json").startsWith("data is not JSON"));
        assertTrue(run(2, false, ROLE, TOKEN.replace("\"index\":0", "\"index\":1"), FINISH, "[DONE]")
                .startsWith("not exactly one choice of index 0"));
    }

    @Test
    void framingOutsideDataEventsIsNamed() {
        StreamCheck c = new StreamCheck(true, 2, false);
        assertEquals("event not ended by a blank line: data: " + TOKEN, feed(c, List.of("data: " + ROLE,
                "data: " + TOKEN)));
        assertTrue(feed(new StreamCheck(true, 2, false), List.of("event: x")).startsWith("not a 'data: ' line"));
        assertTrue(feed(new StreamCheck(true, 2, false), List.of("data: " + ROLE, "", "data: " + FINISH, "",
                "data: [DONE]", "", "data: [DONE]", "")).startsWith("a line after data: [DONE]"));
        assertTrue(feed(new StreamCheck(true, 2, false), List.of("data: " + ROLE, "", "data: " + FINISH, "",
                "data: [DONE]")).startsWith("EOF right after data: [DONE]"));
    }

    @Test
    void textCompletionsNeedTheirObjectAndPrefix() {
        String chunk = "{\"id\":\"cmpl-9\",\"object\":\"text_completion\",\"created\":1,\"model\":\"qwen3-chat\","
                + "\"choices\":[{\"index\":0,\"text\":\"a\",\"logprobs\":null,\"finish_reason\":\"stop\"}]}";
        assertNull(feed(new StreamCheck(false, 4, false), List.of("data: " + chunk, "", "data: [DONE]", "")));
        assertTrue(feed(new StreamCheck(false, 4, false), List.of("data: " + chunk.replace("cmpl-9", "x-9"), ""))
                .startsWith("id without cmpl-"));
        assertTrue(feed(new StreamCheck(false, 4, false), List.of("data: " + ROLE, "")).startsWith("object is not"));
    }
}
