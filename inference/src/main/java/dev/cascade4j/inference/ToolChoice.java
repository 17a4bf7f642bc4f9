package dev.cascade4j.inference;

/**
 * Whether the model may, must or must not call tools, or must call one named tool
 * (the OpenAI {@code tool_choice} values).
 */
public record ToolChoice(Mode mode, String toolName) {
    public enum Mode { AUTO, NONE, REQUIRED, NAMED }

    public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
    public static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);
    public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, null);

    public ToolChoice {
        if ((mode == Mode.NAMED) != (toolName != null)) {
            throw new IllegalArgumentException("a tool name goes with Mode.NAMED and only with it");
        }
    }

    public static ToolChoice named(String toolName) {
        return new ToolChoice(Mode.NAMED, toolName);
    }
}
