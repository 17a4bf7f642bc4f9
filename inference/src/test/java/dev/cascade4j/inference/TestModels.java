package dev.cascade4j.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The real GGUF models the tests run on. */
public final class TestModels {
    private TestModels() {
    }

    /** SmolLM2-135M-Instruct, Q4_1 (instruction-tuned, ChatML template). */
    public static Path smollm() {
        return find("SmolLM2-135M-Instruct.Q4_1.gguf");
    }

    /** Gemma 3 270M, Q4_K_M (the pretrained base model, 262k vocabulary). */
    public static Path gemma() {
        return find("gemma-3-270m-q4_k_m.gguf");
    }

    private static Path find(String file) {
        String dir = System.getProperty("cascade4j.test.models", System.getenv().getOrDefault("CASCADE4J_TEST_MODELS", "/tmp/probe/models"));
        Path p = Path.of(dir, file);
        Assumptions.assumeTrue(Files.isRegularFile(p), "test model " + p + " not present");
        return p;
    }
}
