package dev.cascade4j.inference;

import dev.cascade4j.inference.internal.llama.LlamaLocalModel;
import java.nio.file.Path;

/**
 * A GGUF model loaded in this JVM. Requests are served concurrently: each runs as its own sequence
 * of one shared context (continuous batching), and a prompt prefix seen before (system prompt, tool
 * list) reuses its KV cache. Close it to free its native memory.
 */
public interface LocalModel extends AutoCloseable {

    /** Loads a GGUF file with default options. */
    static LocalModel load(Path gguf) {
        return load(gguf, LocalModelOptions.defaults());
    }

    static LocalModel load(Path gguf, LocalModelOptions options) {
        return LlamaLocalModel.load(gguf, options);
    }

    ModelInfo info();

    /**
     * Starts a generation. Returns at once; the work happens on the model's decode thread.
     *
     * @throws InferenceException.InvalidRequest when the request cannot be served (prompt longer
     *         than the context, schema that does not convert, grammar that llama.cpp rejects)
     * @throws InferenceException.Overloaded when the model's queue is full
     */
    Generation submit(GenerationRequest request);

    /** Generates and waits for the answer. */
    default GenerationResult generate(GenerationRequest request) {
        return submit(request).await();
    }

    /** Number of tokens the text takes for this model (no special tokens added). */
    int countTokens(String text);

    /** Frees the model; generations still running are cancelled. */
    @Override
    void close();
}
