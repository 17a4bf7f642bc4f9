package dev.cascade4j.agent.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cascade4j.agent.internal.log.QueryLogJson;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlQueryLogTest {
    @TempDir
    Path tmp;

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    static Throwable failure(Future<?> f) throws Exception {
        try {
            await(f);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected the future to fail");
    }

    @Test
    void confidenceSignalsAndNodeRoundTripAndOldRecordsWithoutThemStillRead() {
        QueryRecord r = QueryRecord.from(SampleRecords.kept("sig-1", "Rome", Instant.parse("2026-01-01T00:00:00Z")));
        assertNotNull(r.signals(), "the decision's signals reach the record");
        assertEquals(SampleRecords.MODEL_NODE, r.node(), "the node that generated the returned answer");
        assertEquals(1.0, r.signals().grounding(), 1e-12);
        assertEquals(1, r.signals().toolCalls());
        assertTrue(r.signals().calledWhenOptional(), "tool_choice auto and a call");
        String json = QueryLogJson.write(r);
        assertTrue(json.contains("\"node\":\"" + SampleRecords.MODEL_NODE + "\""), json);
        QueryRecord back = QueryLogJson.readRecord(json);
        assertEquals(r, back);
        // a line written before signals and nodes were logged has no such keys
        String old = json.replaceFirst(",\"signals\":\\{[^}]*\\}", "").replaceFirst(",\"node\":\"[^\"]*\"", "");
        assertFalse(old.contains("\"signals\"") || old.contains("\"node\""), old);
        QueryRecord oldBack = QueryLogJson.readRecord(old);
        assertNull(oldBack.signals());
        assertNull(oldBack.node());
        assertEquals(r.id(), oldBack.id());
    }

    @Test
    void appendsAreReadBackInOrderWithFeedbackMerged() throws Exception {
        JsonlQueryLog log = JsonlQueryLog.builder(tmp).open();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        List<Future<Void>> acks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            acks.add(log.append(QueryRecord.from(SampleRecords.kept("id-" + i, "City" + i, t0.plusSeconds(i)))));
        }
        for (Future<Void> f : acks) {
            await(f);
        }
        await(log.feedback("id-3", new QueryRecord.Feedback(QueryRecord.Rating.BAD, "call get_weather for Rome", t0.plusSeconds(100))));
        await(log.feedback("id-3", new QueryRecord.Feedback(QueryRecord.Rating.GOOD, null, t0.plusSeconds(50))));
        await(log.feedback("id-7", new QueryRecord.Feedback(QueryRecord.Rating.GOOD, null, t0.plusSeconds(60))));

        List<QueryRecord> all = await(log.read(LogQuery.ALL));
        assertEquals(50, all.size());
        assertEquals("id-0", all.getFirst().id());
        assertEquals("id-49", all.getLast().id());
        // the latest feedback wins, even when an older one was written later
        assertEquals(QueryRecord.Rating.BAD, all.get(3).feedback().rating());
        assertEquals("call get_weather for Rome", all.get(3).feedback().correction());
        assertEquals(QueryRecord.Rating.GOOD, all.get(7).feedback().rating());
        assertNull(all.get(4).feedback());
        assertEquals(QueryLogJson.write(QueryRecord.from(SampleRecords.kept("id-5", "City5", t0.plusSeconds(5)))),
                QueryLogJson.write(all.get(5)));

        assertEquals(10, await(log.read(LogQuery.ALL.withSince(t0.plusSeconds(40)))).size());
        assertEquals(5, await(log.read(LogQuery.ALL.withLimit(5))).size());
        assertEquals(0, await(log.read(LogQuery.ALL.withRoute("nope"))).size());
        assertEquals(new QueryLogStats(50, 50, 0, 0, null), log.stats());
        await(log.close());

        List<String> lines = Files.readAllLines(tmp.resolve("queries-000001.jsonl"));
        assertEquals(53, lines.size());
        assertTrue(lines.getFirst().startsWith("{\"type\":\"query\",\"id\":\"id-0\""), lines.getFirst());
        assertTrue(lines.getLast().startsWith("{\"type\":\"feedback\",\"id\":\"id-7\""), lines.getLast());
    }

    @Test
    void segmentsRotateBySizeAndAreReadAcrossRotation() throws Exception {
        JsonlQueryLog log = JsonlQueryLog.builder(tmp).maxSegmentBytes(4096).open();
        for (int i = 0; i < 200; i++) {
            log.append(SampleRecords.record("r-" + i));
        }
        await(log.append(SampleRecords.record("last")));
        await(log.close());
        List<JsonlSegments.Segment> segments = JsonlSegments.list(tmp);
        assertTrue(segments.size() > 10, "expected many segments, got " + segments.size());
        for (JsonlSegments.Segment s : segments.subList(0, segments.size() - 1)) {
            long size = Files.size(s.path());
            // a segment closes at the first line that reaches the limit
            assertTrue(size >= 4096 && size < 4096 + 4096, s + " has " + size + " bytes");
            byte[] bytes = Files.readAllBytes(s.path());
            assertEquals('\n', bytes[bytes.length - 1], "segments end on a whole line");
        }
        JsonlSegments.Scan scan = JsonlSegments.scan(tmp, LogQuery.ALL);
        assertEquals(201, scan.records().size());
        assertEquals(0, scan.skippedLines());
        assertEquals("r-0", scan.records().getFirst().id());
        assertEquals("last", scan.records().getLast().id());

        // reopening continues in the last segment, or a new one once it is full
        JsonlQueryLog again = JsonlQueryLog.builder(tmp).maxSegmentBytes(4096).open();
        await(again.append(SampleRecords.record("after-reopen")));
        await(again.close());
        assertEquals(202, JsonlSegments.scan(tmp, LogQuery.ALL).records().size());
    }

    @Test
    void aTornTailIsSkippedAndTheNextRecordStartsOnAFreshLine() throws Exception {
        JsonlQueryLog log = JsonlQueryLog.builder(tmp).open();
        await(log.append(SampleRecords.record("a")));
        await(log.append(SampleRecords.record("b")));
        await(log.close());
        Path seg = tmp.resolve("queries-000001.jsonl");
        String whole = "{\"type\":\"query\"," + QueryLogJson.write(SampleRecords.record("torn")).substring(1) + "\n";
        Files.writeString(seg, whole.substring(0, whole.length() / 2), StandardOpenOption.APPEND);

        JsonlSegments.Scan torn = JsonlSegments.scan(tmp, LogQuery.ALL);
        assertEquals(List.of("a", "b"), torn.records().stream().map(QueryRecord::id).toList());
        assertEquals(1, torn.skippedLines());

        JsonlQueryLog reopened = JsonlQueryLog.builder(tmp).open();
        await(reopened.append(SampleRecords.record("c")));
        await(reopened.close());
        JsonlSegments.Scan after = JsonlSegments.scan(tmp, LogQuery.ALL);
        assertEquals(List.of("a", "b", "c"), after.records().stream().map(QueryRecord::id).toList());
        assertEquals(1, after.skippedLines());
    }

    @Test
    void redactsBeforeWriting() throws Exception {
        JsonlQueryLog log = JsonlQueryLog.builder(tmp).open();
        QueryRecord r = QueryRecord.from(SampleRecords.kept("p", "Paris", Instant.now()));
        QueryRecord.Request req = new QueryRecord.Request(List.of(new QueryRecord.Message("user",
                "mail me at joe@example.com, card 4111 1111 1111 1111", List.of(), null, null)), r.request().tools(), "auto", null);
        QueryRecord dirty = new QueryRecord(r.id(), r.time(), r.route(), r.classifierConfidence(), r.generationConfidence(), r.model(), req,
                r.slmAnswer(), false, "NONE", null, false, null, 1, 1, 1, 1, null);
        await(log.append(dirty));
        await(log.feedback("p", new QueryRecord.Feedback(null, "reply to joe@example.com", null)));
        await(log.close());
        String file = Files.readString(tmp.resolve("queries-000001.jsonl"));
        assertTrue(!file.contains("joe@example.com") && !file.contains("4111"), file);
        QueryRecord back = JsonlSegments.scan(tmp, LogQuery.ALL).records().getFirst();
        assertEquals("mail me at [EMAIL], card [CARD]", back.request().messages().getFirst().content());
        assertEquals("reply to [EMAIL]", back.feedback().correction());
    }

    @Test
    void aFolderThatCannotBeCreatedFailsEachAppendWithoutThrowing() throws Exception {
        Path notADir = tmp.resolve("file");
        Files.writeString(notADir, "x");
        var metrics = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        JsonlQueryLog log = JsonlQueryLog.builder(notADir.resolve("queries")).meterRegistry(metrics).open();
        Throwable t = failure(log.append(SampleRecords.record("x")));
        assertInstanceOf(QueryLogException.WriteFailed.class, t);
        assertTrue(t.getMessage().contains(notADir.resolve("queries").toString()), t.getMessage());
        assertInstanceOf(QueryLogException.WriteFailed.class, failure(log.append(SampleRecords.record("y"))));
        assertEquals(2, log.stats().failed());
        assertNotNull(log.stats().lastError());
        assertEquals(2.0, metrics.get("cascade4j.querylog.failed").tag("sink", "jsonl").functionCounter().count());
        assertEquals(0.0, metrics.get("cascade4j.querylog.acknowledged").functionCounter().count());
        // what a readiness probe shows: the cause in plain words, no path of this machine
        String problem = log.stats().problem();
        assertNotNull(problem);
        assertTrue(problem.startsWith("cannot write records: "), problem);
        assertFalse(problem.contains(tmp.toString()) || problem.contains("/"), problem);
        assertTrue(log.stats().failing());
        assertEquals(1.0, metrics.get("cascade4j.querylog.failing").gauge().value());
        double at = metrics.get("cascade4j.querylog.last.error.time").gauge().value();
        assertTrue(Math.abs(at - System.currentTimeMillis() / 1000.0) < 60, "last error at " + at);
        assertEquals(log.stats().lastErrorTime().toEpochMilli() / 1000.0, at, 0.001);
        await(log.close());
    }

    @Test
    void aFullDiskFailsTheWriteAndTheLogRecoversWhenSpaceReturns() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "needs /dev/full (Linux) to simulate a full disk");
        Path seg = tmp.resolve("queries-000001.jsonl");
        Files.createSymbolicLink(seg, Path.of("/dev/full"));
        var metrics = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        JsonlQueryLog log = JsonlQueryLog.builder(tmp).meterRegistry(metrics).open();
        Throwable t = failure(log.append(SampleRecords.record("lost")));
        assertInstanceOf(QueryLogException.WriteFailed.class, t);
        assertTrue(t.getMessage().contains("No space left on device"), t.getMessage());
        assertEquals(1, log.stats().failed());
        assertEquals("cannot write records: No space left on device", log.stats().problem());
        assertEquals(1.0, metrics.get("cascade4j.querylog.failing").gauge().value());

        // space is back: the next write reopens and succeeds, and the log is no longer failing
        Files.delete(seg);
        await(log.append(SampleRecords.record("kept")));
        assertNull(log.stats().problem());
        assertNotNull(log.stats().lastErrorTime(), "the last error stays on record");
        assertEquals(0.0, metrics.get("cascade4j.querylog.failing").gauge().value());
        await(log.close());
        assertEquals(List.of("kept"), JsonlSegments.scan(tmp, LogQuery.ALL).records().stream().map(QueryRecord::id).toList());
    }

    @Test
    void aReadOnlyFolderIsReported() throws Exception {
        Path ro = Files.createDirectory(tmp.resolve("ro"));
        // root ignores permission bits; the immutable attribute stops root too
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            assumeTrue(run("chattr", "+i", ro.toString()), "root ignores read-only folders and chattr +i is unavailable here");
        } else {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        }
        try {
            JsonlQueryLog log = JsonlQueryLog.builder(ro).open();
            Throwable t = failure(log.append(SampleRecords.record("x")));
            assertInstanceOf(QueryLogException.WriteFailed.class, t);
            assertTrue(t.getMessage().contains(ro.toString()), t.getMessage());
            assertEquals(1, log.stats().failed());
            String problem = log.stats().problem();
            assertTrue(problem.startsWith("cannot write records: "), problem);
            assertFalse(problem.contains(ro.toString()), problem);
            await(log.close());
        } finally {
            if (root) {
                run("chattr", "-i", ro.toString());
            } else {
                Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    private static boolean run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void aFullQueueDropsAndCountsWithoutBlocking() throws Exception {
        JsonlQueryLog log = JsonlQueryLog.builder(tmp).queueCapacity(1).open();
        int n = 20_000;
        List<Future<Void>> futures = new ArrayList<>(n);
        QueryRecord r = SampleRecords.record("burst");
        for (int i = 0; i < n; i++) {
            futures.add(log.append(r));
        }
        int dropped = 0;
        for (Future<Void> f : futures) {
            try {
                await(f);
            } catch (java.util.concurrent.ExecutionException e) {
                assertInstanceOf(QueryLogException.Dropped.class, e.getCause());
                dropped++;
            }
        }
        QueryLogStats s = log.stats();
        assertTrue(dropped > 0, "a one-slot queue under a burst must drop");
        assertEquals(dropped, s.dropped());
        assertEquals(n, s.acknowledged() + s.dropped());
        await(log.close());
        assertEquals(1, JsonlSegments.scan(tmp, LogQuery.ALL).records().size(), "same id twice is one record");
        assertEquals(n - dropped, Files.readAllLines(tmp.resolve("queries-000001.jsonl"), StandardCharsets.UTF_8).size());
    }

    @Test
    void oneWriterPerFolder() throws Exception {
        JsonlQueryLog first = JsonlQueryLog.builder(tmp).open();
        await(first.append(SampleRecords.record("1")));
        JsonlQueryLog second = JsonlQueryLog.builder(tmp).open();
        Throwable t = failure(second.append(SampleRecords.record("2")));
        assertTrue(t.getMessage().contains("another writer"), t.getMessage());
        await(second.close());
        await(first.close());
    }
}
