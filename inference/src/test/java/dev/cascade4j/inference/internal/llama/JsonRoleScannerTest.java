package dev.cascade4j.inference.internal.llama;

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

    @Test
    void escapedQuotesStayInsideTheirStringAndNumbersAndLiteralsAreValues() {
        assertEquals("\"say \\\"hi\\\"\"-1.5e3truenull", values("{\"q\":\"say \\\"hi\\\"\",\"n\":-1.5e3,\"b\":true,\"z\":null}"));
    }

    @Test
    void keysOfNestedObjectsAreNotValuesButArrayItemsAre() {
        assertEquals("1\"a\"2", values("{\"o\":{\"k\":1},\"l\":[\"a\",{\"m\":2}]}"));
    }

    @Test
    void nestingDeeperThanTrackedDoesNotBreakTheScanner() {
        String deep = "[".repeat(300) + "7" + "]".repeat(300);
        assertEquals("7", values(deep));
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
