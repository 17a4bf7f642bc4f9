package dev.cascade4j.inference.natives;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * Extracts regular files from a tar archive (what npm tarballs are): ustar names with their prefix,
 * pax {@code path} records and GNU long names; directories are implied, links are skipped, and an
 * entry that would land outside the target folder fails the whole extraction.
 */
final class TarReader {
    // pax and GNU long-name records hold a path or two: anything larger is a broken or hostile archive.
    private static final int MAX_NAME_RECORD = 64 * 1024;

    private TarReader() {
    }

    /**
     * @param keep which entry paths (without the leading {@code package/}) to write
     */
    static void extract(InputStream in, Path target, Predicate<String> keep) throws IOException {
        byte[] header = new byte[512];
        Path root = target.toAbsolutePath().normalize();
        String longName = null; // from a pax 'x' or GNU 'L' entry, for the entry that follows
        while (in.readNBytes(header, 0, 512) == 512) {
            if (isZero(header)) {
                return;
            }
            String name = text(header, 0, 100);
            String prefix = text(header, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            long size = size(header, name);
            char type = (char) header[156];
            long padded = (size + 511) / 512 * 512;
            if (type == 'x' || type == 'L') {
                if (size > MAX_NAME_RECORD) {
                    throw new IOException("archive entry " + name + " has a " + size + "-byte name record; a tarball of natives has none over "
                            + MAX_NAME_RECORD);
                }
                byte[] data = in.readNBytes((int) size);
                in.skipNBytes(padded - size);
                String named = type == 'x' ? paxPathOf(data) : text(data, 0, data.length);
                if (named != null) {
                    longName = named;
                }
                continue;
            }
            if (longName != null) {
                name = longName;
                longName = null;
            }
            String relative = name.startsWith("package/") ? name.substring("package/".length()) : name;
            if ((type == '0' || type == 0 || type == '7') && keep.test(relative)) {
                Path out = root.resolve(relative).normalize();
                if (!out.startsWith(root) || out.equals(root)) {
                    throw new IOException("archive entry " + name + " points outside the target folder");
                }
                Files.createDirectories(out.getParent());
                try (var os = Files.newOutputStream(out)) {
                    copy(in, os, size);
                }
                in.skipNBytes(padded - size);
            } else {
                in.skipNBytes(padded);
            }
        }
    }

    private static long size(byte[] header, String name) throws IOException {
        String octal = text(header, 124, 12).trim();
        try {
            long size = octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
            if (size >= 0) {
                return size;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException("archive entry " + name + " has a malformed size field '" + octal + "'; the archive is corrupt");
    }

    private static void copy(InputStream in, java.io.OutputStream out, long size) throws IOException {
        byte[] buf = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("archive ended inside an entry");
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    private static String paxPathOf(byte[] records) {
        for (String line : new String(records, StandardCharsets.UTF_8).split("\n")) {
            int space = line.indexOf(' ');
            if (space > 0 && line.startsWith("path=", space + 1)) {
                return line.substring(space + 1 + "path=".length());
            }
        }
        return null;
    }

    private static String text(byte[] b, int offset, int length) {
        int end = offset;
        while (end < offset + length && b[end] != 0) {
            end++;
        }
        return new String(b, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
