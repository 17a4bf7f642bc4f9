package dev.cascade4j.inference.natives;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.internal.source.CacheLock;
import dev.cascade4j.inference.internal.source.Downloader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * One version of a package on the npm registry: its tarball downloaded, checked against the
 * registry's sha512 integrity, and unpacked into a folder that holds an {@code .integrity} marker
 * once complete.
 */
final class NpmPackage {
    static final String MARKER = ".integrity";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI registry;
    private final String name;
    private final String version;
    private final Downloader downloader;
    private JsonNode metadata; // fetched once, on first need

    NpmPackage(URI registry, String name, String version, Downloader downloader) {
        String base = registry.toString();
        this.registry = URI.create(base.endsWith("/") ? base : base + "/");
        this.name = name;
        this.version = version;
        this.downloader = downloader;
    }

    /** The registry from {@code CASCADE4J_NPM_REGISTRY} or {@code cascade4j.npm.registry}, else registry.npmjs.org. */
    static URI registryFromEnvironment() {
        String r = System.getenv("CASCADE4J_NPM_REGISTRY");
        if (r == null || r.isBlank()) {
            r = System.getProperty("cascade4j.npm.registry", "https://registry.npmjs.org");
        }
        return URI.create(r);
    }

    static boolean isUnpacked(Path target) {
        return Files.isRegularFile(target.resolve(MARKER));
    }

    /**
     * Unpacks the files whose path below {@code package/} passes {@code keep} into {@code target},
     * unless a complete unpack is already there. Under a lock beside {@code target}, so concurrent
     * processes fetch once; the folder appears by an atomic rename, so it is never seen half-done.
     */
    void unpack(Path target, Predicate<String> keep) {
        try {
            Files.createDirectories(target.getParent());
            try (CacheLock lock = CacheLock.acquire(target.resolveSibling(target.getFileName() + ".lock"))) {
                if (isUnpacked(target)) {
                    return;
                }
                deleteTree(target); // left by a copy without a marker: not ours to trust
                String integrity = publishedIntegrity();
                Path tgz = target.resolveSibling(target.getFileName() + ".tgz.part");
                downloader.download(tarballUri(), tgz, Map.of(), name + "@" + version);
                String actual = "sha512-" + Base64.getEncoder().encodeToString(sha512(tgz));
                if (!actual.equals(integrity)) {
                    Files.deleteIfExists(tgz);
                    throw new InferenceException.ResourceUnavailable("integrity check failed for " + name + "@" + version
                            + " from " + registry + ": the registry says " + integrity + " but the tarball is " + actual
                            + "; the download was deleted, run the command again (behind a proxy or mirror, check that it serves the genuine package)");
                }
                Path staging = Files.createTempDirectory(target.getParent(), target.getFileName() + ".unpack");
                try {
                    try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz), 1 << 16)) {
                        TarReader.extract(in, staging, keep);
                    }
                    Files.writeString(staging.resolve(MARKER), integrity);
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    deleteTree(staging);
                }
                Files.deleteIfExists(tgz);
            }
        } catch (IOException e) {
            throw new InferenceException.ResourceUnavailable("cannot unpack " + name + "@" + version + " into " + target + ": " + e.getMessage(), e);
        }
    }

    private JsonNode metadata() {
        if (metadata == null) {
            // Scoped names keep their '@' and encode the slash: @node-llama-cpp%2flinux-x64
            URI uri = registry.resolve(name.replace("/", "%2f") + "/" + version);
            String text = downloader.fetchText(uri, Map.of("Accept", "application/json"));
            try {
                metadata = JSON.readTree(text);
            } catch (IOException e) {
                throw new InferenceException.ResourceUnavailable("the npm registry's answer for " + name + "@" + version + " is not JSON", e);
            }
        }
        return metadata;
    }

    private String publishedIntegrity() {
        String integrity = metadata().path("dist").path("integrity").asText("");
        if (!integrity.startsWith("sha512-")) {
            throw new InferenceException.ResourceUnavailable("the npm registry gave no sha512 integrity for " + name + "@" + version
                    + ", so its tarball cannot be verified");
        }
        return integrity;
    }

    private URI tarballUri() {
        String tarball = metadata().path("dist").path("tarball").asText("");
        if (tarball.isEmpty()) {
            throw new InferenceException.ResourceUnavailable("the npm registry gave no tarball for " + name + "@" + version);
        }
        return URI.create(tarball);
    }

    private static byte[] sha512(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-512");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-512", e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
