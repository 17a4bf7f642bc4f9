package dev.cascade4j.inference.internal.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Stop strings found across streamed pieces, without a listener ever seeing part of one. */
class StopMatcherTest {

    /** Feeds the pieces, then flushes unless stopped; returns everything released. */
    private static String stream(StopMatcher m, String... pieces) {
        StringBuilder out = new StringBuilder();
        for (String p : pieces) {
            out.append(m.append(p));
        }
        if (!m.stopped()) {
            out.append(m.flush());
        }
        return out.toString();
    }

    @Test
    void withoutStopsEverythingPassesAtOnce() {
        StopMatcher m = new StopMatcher(List.of());
        assertEquals("abc", m.append("abc"));
        assertFalse(m.stopped());
    }

    @Test
    void aStopSplitAcrossPiecesEndsTheTextBeforeIt() {
        StopMatcher m = new StopMatcher(List.of("###"));
        assertEquals("one ", m.append("one #"), "the possible start of a stop is held back");
        assertEquals("", m.append("#"));
        assertEquals("", m.append("# two"));
        assertTrue(m.stopped());
        assertEquals("", m.append("more"), "nothing after a stop");
    }

    @Test
    void heldTextThatTurnsOutNotToBeAStopIsReleased() {
        StopMatcher m = new StopMatcher(List.of("END"));
        assertEquals("x", m.append("xEN"));
        assertEquals("ENd y", m.append("d y"));
        assertEquals("EN", stream(new StopMatcher(List.of("END")), "EN"), "held at the end, released by flush");
    }

    @Test
    void theEarliestOfSeveralStopsWins() {
        assertEquals("a", stream(new StopMatcher(List.of("c", "b")), "abc"));
        assertEquals("a", stream(new StopMatcher(List.of("bc", "b")), "abcd"));
    }

    @Test
    void aStopInsideOnePieceCutsThatPiece() {
        StopMatcher m = new StopMatcher(List.of("\n\n"));
        assertEquals("first line\nsecond", m.append("first line\nsecond\n\nthird"));
        assertTrue(m.stopped());
    }

    @Test
    void onlyAsMuchIsHeldAsCouldStartAStop() {
        StopMatcher m = new StopMatcher(List.of("<|end|>", "zz"));
        assertEquals("text <", m.append("text <<|e"), "'<|e' could start '<|end|>'; the first '<' cannot");
        assertEquals("<|e", m.append("z"), "'z' could still start 'zz'");
        assertEquals("zy", m.append("y"));
    }
}
