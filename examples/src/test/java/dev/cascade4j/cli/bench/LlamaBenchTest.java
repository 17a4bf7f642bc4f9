package dev.cascade4j.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of LlamaBench that need neither cmake nor a model: reading llama-bench's JSON, options, errors. */
class LlamaBenchTest {

    @Test
    void readsPromptAndGenerationThroughputFromRealOutput() throws IOException {
        String json;
        try (InputStream in = getClass().getResourceAsStream("/bench/llama-bench-smollm2.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        LlamaBench.Result r = LlamaBench.parse(json);

        assertEquals(128, r.promptTokens());
        assertEquals(new LlamaBench.TokensPerSecond(367.844319, 5.109504), r.promptProcessing());
        assertEquals(64, r.genTokens());
        assertEquals(new LlamaBench.TokensPerSecond(101.066121, 0.983914), r.generation());
        assertEquals("de3ff81", r.buildCommit());
    }

    @Test
    void outputWithoutBothTestsSaysToPassPromptAndGen() {
        var e = assertThrows(IllegalStateException.class, () -> LlamaBench.parse("[{\"n_prompt\": 0, \"n_gen\": 64, \"avg_ts\": 1.0}]"));

        assertTrue(e.getMessage().contains("-p and -n"), e.getMessage());
    }

    @Test
    void notJsonIsReportedWithTheOutput() {
        var e = assertThrows(IllegalStateException.class, () -> LlamaBench.parse("error: failed to load model"));

        assertTrue(e.getMessage().contains("failed to load model"), e.getMessage());
    }

    @Test
    void buildsOnlyACpuLlamaBenchWithoutDownloads() {
        var options = LlamaBench.cmakeOptions();

        assertTrue(options.containsAll(java.util.List.of("-DCMAKE_BUILD_TYPE=Release", "-DGGML_NATIVE=ON", "-DBUILD_SHARED_LIBS=OFF",
                "-DLLAMA_BUILD_TOOLS=ON", "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF", "-DLLAMA_BUILD_SERVER=OFF",
                "-DLLAMA_CURL=OFF", "-DLLAMA_OPENSSL=OFF")), options.toString());
    }

    @Test
    void aFolderThatIsNotLlamaCppIsRejectedBeforeCmakeRuns(@TempDir Path dir) {
        var e = assertThrows(IllegalArgumentException.class, () -> LlamaBench.build(dir, dir.resolve("build"), line -> { }));

        assertTrue(e.getMessage().contains("not a llama.cpp source folder"), e.getMessage());
    }

    @Test
    void aMissingModelSaysHowToGetOne(@TempDir Path dir) {
        var e = assertThrows(IllegalArgumentException.class, () -> LlamaBench.run(dir.resolve("llama-bench"), dir.resolve("x.gguf"), 2, 8, 8, 1));

        assertTrue(e.getMessage().contains("models pull"), e.getMessage());
    }
}
