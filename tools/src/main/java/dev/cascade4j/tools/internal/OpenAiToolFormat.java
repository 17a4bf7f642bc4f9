package dev.cascade4j.tools.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.router.internal.parse.JsonFields;

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
        JsonFields.Problems problems = (path, problem) -> new IllegalArgumentException(path + " " + problem);
        JsonFields function = JsonFields.of(tool, where, "an object like {\"type\":\"function\",\"function\":{\"name\":...}}", problems);
        if (function.node().has("type") || function.node().has("function")) {
            if (!"function".equals(function.node().path("type").asText())) {
                throw function.fail("type", "must be \"function\"");
            }
            JsonFields wrapped = function.optionalObject("function", "an object with name, description and parameters");
            if (wrapped == null) {
                throw function.fail("function", "must be an object with name, description and parameters");
            }
            function = wrapped;
        }
        String name = function.requiredString("name");
        String description = function.optionalString("description");
        JsonNode parameters = function.get("parameters");
        if (parameters != null && !parameters.isObject()) {
            throw function.fail("parameters", "must be a JSON schema object");
        }
        try {
            return new ToolSpec(name, description == null ? "" : description, parameters);
        } catch (InferenceException.InvalidRequest e) {
            throw function.fail("name", e.getMessage());
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
