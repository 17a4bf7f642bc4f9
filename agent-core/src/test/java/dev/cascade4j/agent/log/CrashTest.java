package dev.cascade4j.agent.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.agent.internal.log.QueryLogJson;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A writer process killed with SIGKILL mid-stream loses nothing it acknowledged. */
class CrashTest {
    @TempDir
    Path tmp;

    @Test
    void everyAcknowledgedRecordSurvivesKillDashNine() throws Exception {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                AppendUntilKilled.class.getName(), tmp.toString(), String.valueOf(256 * 1024))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        // a writer that hangs instead of printing must not hang the build
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                if (!child.waitFor(120, TimeUnit.SECONDS)) {
                    child.toHandle().destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<String> printed = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                printed.add(line);
                if (printed.size() == 5000) {
                    // SIGKILL through the handle, which (unlike Process.destroyForcibly) keeps our end of the
                    // pipe open: lines the writer printed before it died are still read
                    child.toHandle().destroyForcibly();
                }
            }
        } finally {
            child.destroyForcibly();
        }
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        watchdog.interrupt();
        assertEquals(137, child.exitValue(), "the writer was killed by SIGKILL");
        assertTrue(printed.size() >= 5000, "the writer acknowledged " + printed.size());

        JsonlSegments.Scan scan = JsonlSegments.scan(tmp, LogQuery.ALL);
        Set<String> logged = scan.records().stream().map(QueryRecord::id).collect(Collectors.toCollection(HashSet::new));
        List<String> missing = printed.stream().filter(id -> !logged.contains(id)).toList();
        assertEquals(List.of(), missing, "acknowledged before the kill but not readable");
        assertTrue(scan.segments() > 1, "the stream crossed segment rotations");
        assertTrue(scan.skippedLines() <= 1, "at most the line being written can be torn");

        // A kill inside write(2), or a power cut, can leave part of a line: model it on the last segment.
        Path last = JsonlSegments.list(tmp).getLast().path();
        String line = "{\"type\":\"query\"," + QueryLogJson.write(SampleRecords.record("torn")).substring(1);
        Files.writeString(last, line.substring(0, line.length() / 3), StandardOpenOption.APPEND);
        JsonlSegments.Scan torn = JsonlSegments.scan(tmp, LogQuery.ALL);
        assertEquals(scan.records().size(), torn.records().size(), "the torn tail is skipped, nothing before it is lost");
        assertEquals(scan.skippedLines() + 1, torn.skippedLines());

        // The folder is still appendable, and the new record starts on its own line.
        JsonlQueryLog reopened = JsonlQueryLog.builder(tmp).maxSegmentBytes(256 * 1024).open();
        JsonlQueryLogTest.await(reopened.append(SampleRecords.record("after-crash")));
        JsonlQueryLogTest.await(reopened.close());
        JsonlSegments.Scan after = JsonlSegments.scan(tmp, LogQuery.ALL);
        assertEquals(scan.records().size() + 1, after.records().size());
        assertEquals("after-crash", after.records().getLast().id());
        assertEquals(torn.skippedLines(), after.skippedLines());
    }
}
