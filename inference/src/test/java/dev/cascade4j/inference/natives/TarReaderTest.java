package dev.cascade4j.inference.natives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extraction from archives built here byte by byte: the name forms npm tarballs use, and archives that must be refused. */
class TarReaderTest {
    @TempDir
    Path dir;

    /** Builds a tar archive entry by entry. */
    static final class Tar {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Tar entry(String name, String prefix, char type, byte[] data) {
            byte[] h = new byte[512];
            put(h, 0, name);
            put(h, 100, "0000644");
            put(h, 124, String.format("%011o", data.length));
            h[156] = (byte) type;
            put(h, 257, "ustar");
            h[262] = 0;
            put(h, 263, "00");
            put(h, 345, prefix);
            Arrays.fill(h, 148, 156, (byte) ' ');
            int sum = 0;
            for (byte b : h) {
                sum += b & 0xff;
            }
            put(h, 148, String.format("%06o", sum));
            out.writeBytes(h);
            out.writeBytes(data);
            out.writeBytes(new byte[(512 - data.length % 512) % 512]);
            return this;
        }

        Tar file(String name, String content) {
            return entry(name, "", '0', content.getBytes(StandardCharsets.UTF_8));
        }

        byte[] bytes() {
            out.writeBytes(new byte[1024]);
            return out.toByteArray();
        }

        private static void put(byte[] h, int at, String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(b, 0, h, at, b.length);
        }
    }

    private void extract(byte[] tar) throws IOException {
        TarReader.extract(new ByteArrayInputStream(tar), dir, p -> !p.endsWith(".md"));
    }

    @Test
    void regularFilesLandUnderTheTargetWithoutThePackageFolder() throws IOException {
        String big = "x".repeat(1300); // spans three records, the last one padded
        extract(new Tar().file("package/bins/libllama.so", big).file("package/README.md", "skip me")
                .file("package/package.json", "{}").bytes());
        assertEquals(big, Files.readString(dir.resolve("bins/libllama.so")));
        assertEquals("{}", Files.readString(dir.resolve("package.json")), "the entry after a padded one is read from its own header");
        assertFalse(Files.exists(dir.resolve("README.md")), "entries the filter refuses are skipped");
    }

    @Test
    void longNamesComeFromThePrefixPaxAndGnuRecords() throws IOException {
        String deep = "package/" + "d".repeat(90) + "/";
        String pax = "path=" + deep + "pax.so";
        int length = pax.length() + 2; // the space and the newline, then its own digits
        length += String.valueOf(length + 3).length();
        String record = length + " " + pax + "\n";
        extract(new Tar()
                .entry("prefixed.so", "package/" + "p".repeat(120), '0', "P".getBytes(StandardCharsets.UTF_8))
                .entry("PaxHeader", "", 'x', record.getBytes(StandardCharsets.UTF_8))
                .entry("truncated-name", "", '0', "X".getBytes(StandardCharsets.UTF_8))
                .entry("././@LongLink", "", 'L', (deep + "gnu.so").getBytes(StandardCharsets.UTF_8))
                .entry("truncated-too", "", '0', "G".getBytes(StandardCharsets.UTF_8))
                .file("package/after.txt", "A").bytes());
        assertEquals("P", Files.readString(dir.resolve("p".repeat(120) + "/prefixed.so")));
        assertEquals("X", Files.readString(dir.resolve("d".repeat(90) + "/pax.so")));
        assertEquals("G", Files.readString(dir.resolve("d".repeat(90) + "/gnu.so")));
        assertEquals("A", Files.readString(dir.resolve("after.txt")), "a long name applies to one entry only");
    }

    @Test
    void linksAndDirectoriesAreNotWritten() throws IOException {
        extract(new Tar().entry("package/link.so", "", '2', new byte[0]).entry("package/dir/", "", '5', new byte[0])
                .file("package/real.so", "R").bytes());
        assertFalse(Files.exists(dir.resolve("link.so")));
        assertEquals("R", Files.readString(dir.resolve("real.so")));
    }

    @Test
    void anEntryThatClimbsOutOfTheTargetFailsTheExtraction() throws IOException {
        Path inside = Files.createDirectories(dir.resolve("inside"));
        byte[] tar = new Tar().file("package/../../evil.so", "E").bytes();
        IOException e = assertThrows(IOException.class, () -> TarReader.extract(new ByteArrayInputStream(tar), inside, p -> true));
        assertTrue(e.getMessage().contains("outside the target folder"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("evil.so")));
    }

    @Test
    void aTruncatedArchiveIsAnError() {
        byte[] whole = new Tar().file("package/a.so", "y".repeat(2000)).bytes();
        byte[] cut = Arrays.copyOf(whole, 512 + 1000);
        assertThrows(IOException.class, () -> extract(cut));
    }

    @Test
    void aCorruptSizeFieldIsAnErrorNamingTheEntry() {
        byte[] tar = new Tar().file("package/a.so", "abc").bytes();
        byte[] bad = "9z".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bad, 0, tar, 124, bad.length);
        IOException e = assertThrows(IOException.class, () -> extract(tar));
        assertTrue(e.getMessage().contains("package/a.so") && e.getMessage().contains("size"), e.getMessage());
    }

    @Test
    void anOversizedNameRecordIsRefusedBeforeItIsRead() {
        byte[] tar = new Tar().entry("PaxHeader", "", 'x', new byte[0]).bytes();
        byte[] size = String.format("%011o", 3L << 30).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, tar, 124, size.length);
        IOException e = assertThrows(IOException.class, () -> extract(tar));
        assertTrue(e.getMessage().contains("name record"), e.getMessage());
    }
}
