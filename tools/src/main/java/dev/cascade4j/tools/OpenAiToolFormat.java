package dev.cascade4j.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.ToolSpec;

/**
 * Tools in the OpenAI format, {@code {"type":"function","function":{"name","description","parameters"}}},
 * both ways. A bare function object (without the {@code type}/{@code function} wrapper) is read too.
 */
public final class OpenAiToolFormat {

    private OpenAiToolFormat() {
    }

    /**
     * Reads one tool definition.
     *
     * @param where where the definition sits, for error messages (e.g. {@code tools[2]})
     * @throws IllegalArgumentException naming the bad field
     */
    public static ToolSpec read(JsonNode tool, String where) {
        if (tool == null || !tool.isObject()) {
            throw new IllegalArgumentException(where + " must be an object like {\"type\":\"function\",\"function\":{\"name\":...}}");
        }
        JsonNode function = tool;
        if (tool.has("type") || tool.has("function")) {
            if (!"function".equals(tool.path("type").asText())) {
                throw new IllegalArgumentException(where + ".type must be \"function\"");
            }
            function = tool.get("function");
            where = where + ".function";
            if (function == null || !function.isObject()) {
                throw new IllegalArgumentException(where + " must be an object with name, description and parameters");
            }
        }
        JsonNode name = function.get("name");
        if (name == null || !name.isTextual()) {
            throw new IllegalArgumentException(where + ".name is required and must be a string");
        }
        JsonNode description = function.get("description");
        if (description != null && !description.isNull() && !description.isTextual()) {
            throw new IllegalArgumentException(where + ".description must be a string");
        }
        JsonNode parameters = function.get("parameters");
        if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
            throw new IllegalArgumentException(where + ".parameters must be a JSON schema object");
        }
        try {
            return new ToolSpec(name.asText(), description == null ? "" : description.asText(""), parameters);
        } catch (InferenceException.InvalidRequest e) {
            throw new IllegalArgumentException(where + ".name: " + e.getMessage());
        }
    }

    /** One tool in the OpenAI format. */
    public static ObjectNode write(ToolSpec spec) {
        ObjectNode tool = JsonNodeFactory.instance.objectNode().put("type", "function");
        ObjectNode function = tool.putObject("function").put("name", spec.name()).put("description", spec.description());
        function.set("parameters", spec.parameters());
        return tool;
    }
}
