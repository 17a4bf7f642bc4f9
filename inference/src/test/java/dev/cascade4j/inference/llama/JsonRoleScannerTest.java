package dev.cascade4j.inference.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Which characters of an answer carry the model's decision. */
class JsonRoleScannerTest {

    @Test
    void inACallOnlyTheNameAndTheArgumentValuesAreValues() {
        assertEquals("\"get_weather\"\"Berlin\"", values("{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Berlin\"}}"));
    }

    @Test
    void tagsFencesAndSeparatorsAroundCallsAreNotValues() {
        String call = "{\"name\":\"set_timer\",\"arguments\":{\"minutes\":5}}";
        assertEquals("\"set_timer\"5\"set_timer\"5", values("<tool_call>\n" + call + "\n</tool_call>\n<tool_call>\n" + call + "\n</tool_call>"));
        assertEquals("\"set_timer\"5", values("```json\n" + call + "\n```"));
    }

    @Test
    void proseIsAllValue() {
        assertEquals("It is sunny.", values("It is sunny."));
    }

    private static String values(String text) {
        JsonRoleScanner scanner = new JsonRoleScanner();
        StringBuilder sb = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (scanner.isValue(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
