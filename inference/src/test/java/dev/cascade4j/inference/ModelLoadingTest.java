package dev.cascade4j.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees when a model or the natives cannot be loaded, and that loading does not leak. */
class ModelLoadingTest {

    @TempDir
    Path dir;

    @Test
    void aMissingFileSaysHowToFetchOne() {
        Path absent = dir.resolve("absent.gguf");

        var e = assertThrows(InferenceException.ResourceUnavailable.class, () -> LocalModel.load(absent));

        assertTrue(e.getMessage().contains(absent.toString()) && e.getMessage().contains("models pull"), e.getMessage());
    }

    @Test
    void aFileThatIsNotGgufIsRejectedBeforeLlamaCppSeesIt() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.gguf"), "these are not model weights");

        var e = assertThrows(InferenceException.ResourceUnavailable.class, () -> LocalModel.load(text));

        assertTrue(e.getMessage().contains("not a GGUF file"), e.getMessage());
    }

    @Test
    void aTruncatedGgufFailsCleanlyInsteadOfCrashing() throws IOException {
        // The real model's header and the start of its tensor data, cut off: llama.cpp must refuse it.
        Path truncated = dir.resolve("truncated.gguf");
        try (InputStream in = Files.newInputStream(TestModels.smollm())) {
            Files.write(truncated, in.readNBytes(2_000_000));
        }

        var e = assertThrows(InferenceException.ResourceUnavailable.class, () -> LocalModel.load(truncated));

        assertTrue(e.getMessage().contains(truncated.toString()), e.getMessage());
    }

    @Test
    void loadingAndClosingInALoopDoesNotGrowNativeMemory() {
        Path gguf = TestModels.smollm();
        LocalModelOptions small = LocalModelOptions.defaults().withParallelSequences(1).withContextPerSequence(512);
        // Warm up: the first load maps the natives and allocates the backend's one-off buffers.
        for (int i = 0; i < 3; i++) {
            cycle(gguf, small);
        }
        long before = residentKb();
        for (int i = 0; i < 20; i++) {
            cycle(gguf, small);
        }
        long grownMb = (residentKb() - before) / 1024;

        // One leaked model + context would be ~100 MB a cycle (2 GB over the loop); allow allocator noise.
        assertTrue(grownMb < 60, "resident memory grew by " + grownMb + " MB over 20 load/close cycles");
    }

    @Test
    void missingNativesFailWithTheSettingToFixIt() throws Exception {
        // The natives load once per JVM, so the failure is shown in a fresh one.
        Path emptyLibDir = Files.createDirectory(dir.resolve("no-natives"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dcascade4j.llama.libDir=" + emptyLibDir,
                "-cp", System.getProperty("java.class.path"), LoadAndReport.class.getName(), TestModels.smollm().toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");

        assertEquals(3, p.exitValue(), out);
        assertTrue(out.contains("ResourceUnavailable") && out.contains(emptyLibDir.toString()) && out.contains("CASCADE4J_LLAMA_LIB_DIR"), out);
    }

    private static void cycle(Path gguf, LocalModelOptions options) {
        try (LocalModel m = LocalModel.load(gguf, options)) {
            m.generate(GenerationRequest.builder().user("Hi").maxTokens(2).build());
        }
    }

    private static long residentKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /** Child-JVM entry point: loads a model and prints the exception's class and message; exit 3 on failure. */
    public static final class LoadAndReport {
        public static void main(String[] args) {
            try (LocalModel m = LocalModel.load(Path.of(args[0]))) {
                System.out.println("loaded " + m.info());
            } catch (InferenceException e) {
                System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
                System.exit(3);
            }
        }
    }
}
