package dev.cascade4j.agent.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer thread's files on their own: reopening after a crash, rotation, and the folder's lock. */
class SegmentWriterTest {
    @TempDir
    Path tmp;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aTornTailIsEndedSoTheNextLineStartsOnItsOwn() throws IOException {
        Path first = tmp.resolve(JsonlSegments.name(1));
        Files.writeString(first, "{\"whole\":1}\n{\"torn\":");
        SegmentWriter segments = new SegmentWriter(tmp, 1 << 20);
        segments.write(bytes("{\"next\":2}\n"));
        segments.close();
        assertEquals("{\"whole\":1}\n{\"torn\":\n{\"next\":2}\n", Files.readString(first));
    }

    @Test
    void aWholeSegmentIsAppendedToAsItIs() throws IOException {
        Path first = tmp.resolve(JsonlSegments.name(1));
        Files.writeString(first, "{\"whole\":1}\n");
        SegmentWriter segments = new SegmentWriter(tmp, 1 << 20);
        segments.write(bytes("{\"next\":2}\n"));
        segments.close();
        assertEquals("{\"whole\":1}\n{\"next\":2}\n", Files.readString(first));
    }

    @Test
    void aFullSegmentRotatesIntoTheNextNumberAndAFullLastSegmentIsNotReopened() throws IOException {
        SegmentWriter segments = new SegmentWriter(tmp, 1024);
        assertFalse(segments.full(), "nothing is open yet");
        String line = "x".repeat(599) + "\n";
        segments.write(bytes(line));
        assertFalse(segments.full());
        assertTrue(segments.reachesLimit(line.length()));
        segments.write(bytes(line));
        assertTrue(segments.full());
        segments.rotate();
        assertFalse(segments.full());
        segments.write(bytes("{}\n"));
        segments.close();
        assertEquals(1200, Files.size(tmp.resolve(JsonlSegments.name(1))));
        assertEquals("{}\n", Files.readString(tmp.resolve(JsonlSegments.name(2))));

        Files.writeString(tmp.resolve(JsonlSegments.name(2)), "y".repeat(1100) + "\n");
        SegmentWriter reopened = new SegmentWriter(tmp, 1024);
        reopened.write(bytes("{}\n"));
        reopened.close();
        assertEquals("{}\n", Files.readString(tmp.resolve(JsonlSegments.name(3))));
    }

    @Test
    void oneWriterHoldsTheFolderUntilItCloses() throws IOException {
        SegmentWriter first = new SegmentWriter(tmp, 1 << 20);
        first.write(bytes("{}\n"));
        SegmentWriter second = new SegmentWriter(tmp, 1 << 20);
        IOException refused = assertThrows(IOException.class, () -> second.write(bytes("{}\n")));
        assertTrue(refused.getMessage().contains("writer.lock"), refused.getMessage());
        first.close();
        second.write(bytes("{}\n"));
        second.close();
        assertEquals("{}\n{}\n", Files.readString(tmp.resolve(JsonlSegments.name(1))));
    }

    @Test
    void anAbandonedSegmentIsReopenedOnTheNextWrite() throws IOException {
        SegmentWriter segments = new SegmentWriter(tmp, 1 << 20);
        segments.write(bytes("{\"a\":1}\n"));
        segments.abandon();
        segments.write(bytes("{\"b\":2}\n"));
        segments.close();
        assertEquals("{\"a\":1}\n{\"b\":2}\n", Files.readString(tmp.resolve(JsonlSegments.name(1))));
    }
}
