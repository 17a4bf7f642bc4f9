package dev.cascade4j.inference;

import java.nio.file.Path;

/**
 * What a loaded model is.
 *
 * @param description     llama.cpp's one-line description (architecture, size, quantisation)
 * @param architecture    GGUF {@code general.architecture}
 * @param chatTemplate    the layout of prompts: "jinja" (the model's own template, see {@link PromptFormat#TEMPLATE}),
 *                        else a llama.cpp built-in name ("chatml", "gemma", ...) or "plain"
 * @param contextPerSequence tokens one request may hold, prompt and answer together
 */
public record ModelInfo(
        String name,
        Path path,
        String description,
        String architecture,
        long parameters,
        long sizeBytes,
        int vocabularySize,
        int trainedContext,
        int contextPerSequence,
        int parallelSequences,
        String chatTemplate) {
}
