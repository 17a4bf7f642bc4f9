package dev.cascade4j.tools.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ChatCompletionRequestTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOOLS = """
            "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
            "properties":{"city":{"type":"string"}},"required":["city"]}}}]""";

    @Test
    void parallelToolCallsDefaultToTrueAsInOpenAi() throws Exception {
        assertTrue(read("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"Paris and Rome?\"}]," + TOOLS + "}")
                .toGenerationRequest(null).parallelToolCalls());
        assertFalse(read("{\"model\":\"auto\",\"parallel_tool_calls\":false,\"messages\":[{\"role\":\"user\",\"content\":\"Paris?\"}]," + TOOLS + "}")
                .toGenerationRequest(null).parallelToolCalls());
    }

    private static ChatCompletionRequest read(String body) throws Exception {
        JsonNode node = JSON.readTree(body);
        return ChatCompletionRequest.read(node, 64);
    }
}
