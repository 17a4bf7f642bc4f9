package dev.cascade4j.inference.langchain4j;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.LocalModelOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the GGUF files these tests run on: system property {@code cascade4j.test.model.<name>}, then
 * environment variable {@code CASCADE4J_TEST_MODEL_<NAME>}, then a local fallback path. A test is
 * skipped (not failed) when the file is absent.
 */
final class LocalTestModels {
    static final String SMOLLM = "smollm";
    static final String GEMMA = "gemma";

    private LocalTestModels() {
    }

    /** SmolLM2-135M-Instruct Q4_1: instruction-tuned, ChatML template. */
    static Path smollm() {
        return find(SMOLLM, "/tmp/probe/models/SmolLM2-135M-Instruct.Q4_1.gguf");
    }

    /** Gemma 3 270M Q4_K_M: a pretrained base model with a 262k vocabulary. */
    static Path gemma() {
        return find(GEMMA, "/tmp/probe/models/gemma-3-270m-q4_k_m.gguf");
    }

    /** Loads a model the way these tests share one per class: two sequences of 2048 tokens. */
    static LocalModel load(Path gguf) {
        return LocalModel.load(gguf, LocalModelOptions.defaults().withParallelSequences(2).withContextPerSequence(2048));
    }

    private static Path find(String name, String fallback) {
        String configured = System.getProperty("cascade4j.test.model." + name,
                System.getenv("CASCADE4J_TEST_MODEL_" + name.toUpperCase()));
        Path path = Path.of(configured != null ? configured : fallback);
        assumeTrue(Files.isRegularFile(path), "test model " + name + " not found at " + path
                + "; set -Dcascade4j.test.model." + name + " or CASCADE4J_TEST_MODEL_" + name.toUpperCase());
        return path;
    }
}
