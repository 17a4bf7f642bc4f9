package dev.cascade4j.inference.natives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.InferenceException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuBackendTest {
    @Test
    void aPinnedVariantIsFoundByName(@TempDir Path dir) throws Exception {
        Files.createFile(dir.resolve("libggml-cpu-haswell.so"));
        Files.createFile(dir.resolve("libggml-cpu-zen4.so"));
        assertEquals(dir.resolve("libggml-cpu-haswell.so"), LlamaNatives.cpuBackendLibrary(dir, "haswell"));
    }

    @Test
    void anUnknownVariantNamesTheOnesPresent(@TempDir Path dir) throws Exception {
        Files.createFile(dir.resolve("libggml-cpu-haswell.so"));
        Files.createFile(dir.resolve("libggml-cpu-zen4.so"));
        InferenceException e = assertThrows(InferenceException.class, () -> LlamaNatives.cpuBackendLibrary(dir, "avx9000"));
        assertTrue(e.getMessage().contains("choose one of haswell, zen4"), e.getMessage());
    }
}
