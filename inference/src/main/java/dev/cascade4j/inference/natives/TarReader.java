package dev.cascade4j.inference.natives;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/** Extracts regular files from a ustar/pax archive (what npm tarballs are). */
final class TarReader {
    private TarReader() {
    }

    /**
     * @param keep which entry paths (without the leading {@code package/}) to write
     */
    static void extract(InputStream in, Path target, Predicate<String> keep) throws IOException {
        byte[] header = new byte[512];
        String paxPath = null;
        while (in.readNBytes(header, 0, 512) == 512) {
            if (isZero(header)) {
                return;
            }
            String name = text(header, 0, 100);
            String prefix = text(header, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            long size = Long.parseLong(text(header, 124, 12).trim().isEmpty() ? "0" : text(header, 124, 12).trim(), 8);
            char type = (char) header[156];
            long padded = (size + 511) / 512 * 512;
            if (type == 'x') {
                paxPath = paxPathOf(in.readNBytes((int) size));
                in.skipNBytes(padded - size);
                continue;
            }
            if (paxPath != null) {
                name = paxPath;
                paxPath = null;
            }
            String relative = name.startsWith("package/") ? name.substring("package/".length()) : name;
            if ((type == '0' || type == 0) && keep.test(relative)) {
                Path out = target.resolve(relative).normalize();
                if (!out.startsWith(target)) {
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
