package dev.cascade4j.inference;

/**
 * How a conversation becomes the prompt text a local model reads.
 */
public enum PromptFormat {
    /** The default of the model's family: {@link #TEMPLATE} where it measured better, else {@link #GENERIC}. */
    AUTO,
    /**
     * The model's own chat template (the GGUF's Jinja {@code tokenizer.chat_template}) rendered as Hugging
     * Face renders it, with the tools, tool calls and tool results in the template's own layout. Falls back
     * to {@link #GENERIC} when the model has no template or it fails to render.
     */
    TEMPLATE,
    /**
     * The model's turn markers (llama.cpp's built-in templates, or "Role: text"), with the tools described
     * in the system message and calls written as compact JSON.
     */
    GENERIC
}
