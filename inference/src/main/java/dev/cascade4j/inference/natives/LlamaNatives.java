package dev.cascade4j.inference.natives;

import dev.cascade4j.inference.InferenceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Placeholder until the npm fetcher lands: the folder named by CASCADE4J_LLAMA_LIB_DIR. */
public final class LlamaNatives {
    private LlamaNatives() {
    }

    public static Path libraryDirectory() {
        String dir = System.getProperty("cascade4j.llama.libDir", System.getenv("CASCADE4J_LLAMA_LIB_DIR"));
        if (dir == null) {
            throw new InferenceException.ResourceUnavailable("set CASCADE4J_LLAMA_LIB_DIR");
        }
        return Path.of(dir);
    }

    public static Path llamaLibrary(Path dir) {
        return find(dir, "libllama.");
    }

    public static Path ggmlLibrary(Path dir) {
        return find(dir, "libggml.");
    }

    private static Path find(Path dir, String prefix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new InferenceException.ResourceUnavailable(e.getMessage());
        }
    }
}
