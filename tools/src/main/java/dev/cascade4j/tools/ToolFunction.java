package dev.cascade4j.tools;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The body of a tool: takes arguments already validated against the tool's schema and returns the
 * result as text (JSON or prose, whatever the model should read). May block; it runs on a virtual
 * thread and is interrupted when its time limit passes.
 */
@FunctionalInterface
public interface ToolFunction {
    String call(JsonNode arguments) throws Exception;
}
