package dev.cascade4j.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A tool the model may call: its name, what it does, and the JSON schema of its arguments
 * (an object schema; an empty object schema when the tool takes no arguments).
 */
public record ToolSpec(String name, String description, JsonNode parameters) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public ToolSpec {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new InferenceException.InvalidRequest(
                    "tool name '" + name + "' is invalid: use 1 to 64 letters, digits, '_', '.' or '-'");
        }
        description = description == null ? "" : description;
        if (parameters == null || parameters.isNull()) {
            parameters = JsonNodeFactory.instance.objectNode().put("type", "object");
        }
    }
}
