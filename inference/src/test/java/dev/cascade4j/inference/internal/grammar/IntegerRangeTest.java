package dev.cascade4j.inference.internal.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.inference.grammar.Gbnf;
import dev.cascade4j.inference.grammar.GbnfMatcher;
import dev.cascade4j.inference.grammar.JsonSchemaGrammar;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Integer bounds of any size and sign: the grammar accepts exactly the integers in range, written canonically. */
class IntegerRangeTest {
    static final ObjectMapper JSON = new ObjectMapper();

    record Range(Long min, Long max) {
        boolean contains(long v) {
            return (min == null || v >= min) && (max == null || v <= max);
        }
    }

    static final List<Range> RANGES = List.of(
            new Range(-1234L, 56L), new Range(0L, 400L), new Range(7L, 7L), new Range(-5L, null), new Range(null, -10L),
            new Range(100L, 99999L), new Range(1L, 1_000_000_000_000L), new Range(-90L, 90L), new Range(-180L, 180L),
            new Range(0L, 0L), new Range(-1L, 0L), new Range(-1L, -1L), new Range(10L, 19L), new Range(199L, 2001L),
            new Range(1L, null), new Range(0L, null), new Range(null, 0L), new Range(-999_999L, -1000L),
            new Range(1_000_000L, 9_999_999_999L), new Range(Long.MAX_VALUE - 10, null),
            new Range(-Long.MAX_VALUE, -Long.MAX_VALUE + 100));

    static List<Long> candidates(Range r, Random random) {
        TreeSet<Long> c = new TreeSet<>();
        for (long base : new long[] {0, 1, -1, 9, 10, 99, 100, 999, 1000, 65535, Long.MAX_VALUE, -Long.MAX_VALUE}) {
            for (long d = -2; d <= 2; d++) {
                c.add(base + d);
            }
        }
        for (Long b : new Long[] {r.min(), r.max()}) {
            if (b != null) {
                for (long d = -12; d <= 12; d++) {
                    c.add(b + d);
                }
                for (long p = 1; p > 0 && p < Long.MAX_VALUE / 10; p *= 10) {
                    c.add(b + p);
                    c.add(b - p);
                }
            }
        }
        for (long p = 1; p > 0 && p < Long.MAX_VALUE / 10; p *= 10) {
            for (long d : new long[] {-1, 0, 1}) {
                c.add(p + d);
                c.add(-p + d);
            }
        }
        for (int i = 0; i < 300; i++) {
            c.add(random.nextLong(-2_000_000, 2_000_000));
            c.add(random.nextLong());
        }
        if (r.min() != null && r.max() != null && r.max() - r.min() < 3000) {
            for (long v = r.min() - 5; v <= r.max() + 5; v++) {
                c.add(v);
            }
        }
        c.remove(Long.MIN_VALUE);
        return new ArrayList<>(c);
    }

    static Gbnf grammar(Range r) {
        ObjectNode s = JSON.createObjectNode().put("type", "integer");
        if (r.min() != null) {
            s.put("minimum", r.min());
        }
        if (r.max() != null) {
            s.put("maximum", r.max());
        }
        return JsonSchemaGrammar.convert(s);
    }

    @Test
    void acceptsExactlyTheIntegersInRange() {
        Random random = new Random(12);
        for (Range r : RANGES) {
            Gbnf g = grammar(r);
            for (long v : candidates(r, random)) {
                assertEquals(r.contains(v), GbnfMatcher.accepts(g, Long.toString(v)), r + " on " + v + "\n" + g.text());
            }
        }
    }

    @Test
    void onlyCanonicalSpellings() {
        Gbnf g = grammar(new Range(-1234L, 56L));
        for (String bad : List.of("-0", "007", "00", "+5", "", "-", "5.0", "1e1", " 5", "--5")) {
            assertFalse(GbnfMatcher.accepts(g, bad), bad);
        }
        assertTrue(GbnfMatcher.accepts(g, "0"));
    }

    @Test
    void everyIntegerOfSmallRangesIsInTheLanguage() {
        // Exhaustive over all canonical spellings of -2000..2000.
        for (Range r : List.of(new Range(-1234L, 56L), new Range(0L, 400L), new Range(7L, 7L), new Range(-100L, -3L))) {
            Gbnf g = grammar(r);
            for (long v = -2000; v <= 2000; v++) {
                assertEquals(r.contains(v), GbnfMatcher.accepts(g, Long.toString(v)), r + " on " + v);
            }
        }
    }

    @Test
    void exclusiveAndFractionalBounds() throws Exception {
        Gbnf g = JsonSchemaGrammar.convert(JSON.readTree("{\"type\":\"integer\",\"exclusiveMinimum\":-5,\"exclusiveMaximum\":400}"));
        for (long v = -10; v <= 410; v++) {
            assertEquals(v > -5 && v < 400, GbnfMatcher.accepts(g, Long.toString(v)), "exclusive on " + v);
        }
        Gbnf frac = JsonSchemaGrammar.convert(JSON.readTree("{\"type\":\"integer\",\"minimum\":0.5,\"maximum\":9.5}"));
        for (long v = -3; v <= 12; v++) {
            assertEquals(v >= 1 && v <= 9, GbnfMatcher.accepts(frac, Long.toString(v)), "fractional on " + v);
        }
        Gbnf draft4 = JsonSchemaGrammar.convert(JSON.readTree("{\"type\":\"integer\",\"minimum\":0,\"exclusiveMinimum\":true,\"maximum\":10,\"exclusiveMaximum\":true}"));
        for (long v = -3; v <= 12; v++) {
            assertEquals(v >= 1 && v <= 9, GbnfMatcher.accepts(draft4, Long.toString(v)), "draft-04 exclusive on " + v);
        }
    }

    @Test
    void theGrammarStaysSmallForHugeRanges() {
        Gbnf g = grammar(new Range(-Long.MAX_VALUE + 7, Long.MAX_VALUE - 7));
        assertTrue(g.text().length() < 20_000, g.text().length() + " characters");
    }
}
