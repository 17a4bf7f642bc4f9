package dev.cascade4j.inference;

/** A call the model asked for: the tool's name and its arguments as a JSON object text. */
public record ToolCall(String id, String name, String arguments) {
}
