package dev.cascade4j.agent.log.export;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Training-file formats. */
public enum ExportFormat {
    /**
     * OpenAI chat fine-tuning: {@code {"messages": [...], "tools": [...]}}; assistant tool calls as
     * {@code {"id", "type": "function", "function": {"name", "arguments": "<JSON text>"}}}; tool
     * results as {@code {"role": "tool", "tool_call_id", "content"}}.
     */
    OPENAI_CHAT("openai-chat"),
    /**
     * Hugging Face conversational format that TRL's SFTTrainer and Unsloth read (and chat templates
     * render): the same {@code messages} and {@code tools}, but tool-call {@code arguments} are JSON
     * objects, and tool results carry the tool's {@code name}.
     */
    HF_MESSAGES("hf-messages");

    private final String cliName;

    ExportFormat(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static ExportFormat parse(String s) {
        for (ExportFormat f : values()) {
            if (f.cliName.equals(s)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown export format '" + s + "'; use "
                + Arrays.stream(values()).map(ExportFormat::cliName).collect(Collectors.joining(" or ")));
    }
}
