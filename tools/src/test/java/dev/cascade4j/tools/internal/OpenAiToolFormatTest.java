package dev.cascade4j.tools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.ToolSpec;
import org.junit.jupiter.api.Test;

class OpenAiToolFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ToolSpec read(String json) throws Exception {
        return OpenAiToolFormat.read(JSON.readTree(json), "tools[1]");
    }

    private static String problem(String json) {
        return assertThrows(IllegalArgumentException.class, () -> read(json)).getMessage();
    }

    @Test
    void readsWrappedAndBareFunctionsBothWays() throws Exception {
        ToolSpec wrapped = read("""
                {"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object"}}}""");
        assertEquals("get_weather", wrapped.name());
        assertEquals("Weather", wrapped.description());
        assertEquals(wrapped, read(OpenAiToolFormat.write(wrapped).toString()));
        assertEquals("", read("{\"name\":\"t\"}").description());
    }

    @Test
    void eachMistakeNamesTheField() {
        assertEquals("tools[1] must be an object like {\"type\":\"function\",\"function\":{\"name\":...}}", problem("[]"));
        assertEquals("tools[1].type must be \"function\"", problem("{\"type\":\"tool\",\"function\":{\"name\":\"t\"}}"));
        assertEquals("tools[1].function must be an object with name, description and parameters", problem("{\"type\":\"function\"}"));
        assertEquals("tools[1].function.name is required", problem("{\"type\":\"function\",\"function\":{}}"));
        assertEquals("tools[1].name must be a string, got number", problem("{\"name\":5}"));
        assertEquals("tools[1].description must be a string, got boolean", problem("{\"name\":\"t\",\"description\":true}"));
        assertEquals("tools[1].parameters must be a JSON schema object", problem("{\"name\":\"t\",\"parameters\":[]}"));
    }
}
