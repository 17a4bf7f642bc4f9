package dev.cascade4j.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM told to stop (SIGTERM, as Ctrl-C or a container stop sends) while its engine is decoding exits
 * normally, without a crash in ggml's native threads.
 */
class ExitWhileGeneratingTest {

    /** The child JVM: generates endlessly on two sequences and says when tokens flow. */
    public static void main(String[] args) throws Exception {
        LocalModel model = LocalModel.load(Path.of(args[0]), LocalModelOptions.defaults().withContextPerSequence(2048)
                .withParallelSequences(2).withThreads(2));
        java.util.concurrent.atomic.AtomicInteger pieces = new java.util.concurrent.atomic.AtomicInteger();
        GenerationRequest.Builder request = GenerationRequest.builder()
                .messages(List.of(ChatMessage.user("Write a very long story about a lighthouse keeper.")))
                .sampling(SamplingParams.greedy(1_000_000));
        model.submit(request.listener(text -> {
            if (pieces.incrementAndGet() == 8) {
                System.out.println("generating");
                System.out.flush();
            }
        }).build());
        model.submit(request.listener(TokenListener.NONE).build());
        Thread.currentThread().join(); // until the parent stops this JVM
    }

    @Test
    void sigtermDuringGenerationExitsWithoutANativeCrash(@TempDir Path dir) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-XX:ErrorFile=" + dir.resolve("hs_err.log"),
                "-cp", System.getProperty("java.class.path"), ExitWhileGeneratingTest.class.getName(), TestModels.gemma().toString())
                .redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("generating")) {
                output.append(line).append('\n');
            }
            assertTrue(child.isAlive(), "the child stopped before generating:\n" + output);
            child.toHandle().destroy(); // SIGTERM, leaving the output readable
            out.transferTo(new java.io.StringWriter() {
                @Override
                public void write(String s) {
                    output.append(s);
                }
            });
        } finally {
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        // 143 = 128 + SIGTERM: the JVM ran its shutdown and exited; a native crash aborts with 134 and an error file.
        assertEquals(143, child.exitValue(), "exit status; output:\n" + output);
        assertFalse(Files.exists(dir.resolve("hs_err.log")), "the JVM crashed:\n" + output);
    }
}
