package dev.cascade4j.inference.internal.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.grammar.GbnfMatcher;
import dev.cascade4j.inference.grammar.JsonSchemaGrammar.Relaxation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The number-bound compiler on its own: which texts its grammars accept, and what it relaxes. */
class NumberRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private record Compiled(String grammar, List<Relaxation> relaxations) {
        boolean accepts(String text) {
            return GbnfMatcher.accepts(grammar, "root", text);
        }
    }

    private static Compiled number(String schemaText) {
        JsonNode schema = json(schemaText);
        SchemaCompiler compiler = new SchemaCompiler(schema, false);
        String body = new NumberRules(compiler).number(schema, "");
        return new Compiled("root ::= " + body + "\n" + compiler.render() + GrammarRules.primitives(), compiler.relaxations);
    }

    private static Compiled integer(String schemaText) {
        JsonNode schema = json(schemaText);
        SchemaCompiler compiler = new SchemaCompiler(schema, false);
        String body = new NumberRules(compiler).integer(schema, "");
        return new Compiled("root ::= " + body + "\n" + compiler.render() + GrammarRules.primitives(), compiler.relaxations);
    }

    @Test
    void anInclusiveWholeMaximumIsReachedOnlyWithoutAFraction() {
        Compiled c = number("{\"minimum\":0,\"maximum\":90}");
        for (String in : List.of("0", "0.5", "89.99", "90")) {
            assertTrue(c.accepts(in), in);
        }
        for (String out : List.of("-1", "-0.5", "90.5", "91", "1e2")) {
            assertFalse(c.accepts(out), out);
        }
        assertEquals(List.of(), c.relaxations());
    }

    @Test
    void anExclusiveLowerBoundNeedsANonZeroFractionAtItsOwnIntegerPart() {
        Compiled c = number("{\"exclusiveMinimum\":5,\"exclusiveMaximum\":7}");
        for (String in : List.of("5.01", "6", "6.9")) {
            assertTrue(c.accepts(in), in);
        }
        for (String out : List.of("5", "5.0", "7", "7.1", "4.9")) {
            assertFalse(c.accepts(out), out);
        }
    }

    @Test
    void negativeRangesAreAMinusSignAndAMagnitude() {
        Compiled c = number("{\"minimum\":-20,\"maximum\":-10}");
        assertTrue(c.accepts("-15.5"));
        assertTrue(c.accepts("-10"));
        assertFalse(c.accepts("-9.5"));
        assertFalse(c.accepts("15"));
    }

    @Test
    void aFractionalBoundHoldsTheIntegerPartAndIsRecordedAsRelaxed() {
        Compiled c = number("{\"minimum\":0.5,\"maximum\":3}");
        assertTrue(c.accepts("2.5"));
        assertFalse(c.accepts("4"));
        assertEquals(List.of("/minimum"), c.relaxations().stream().map(Relaxation::pointer).toList());
    }

    @Test
    void integerBoundsRoundInwardAndDraft4ExclusiveFlagsCount() {
        Compiled c = integer("{\"minimum\":1.5,\"maximum\":10,\"exclusiveMaximum\":true}");
        assertFalse(c.accepts("1"));
        assertTrue(c.accepts("2"));
        assertTrue(c.accepts("9"));
        assertFalse(c.accepts("10"));
    }

    @Test
    void integerBoundsBeyondALongAreRelaxedAndAnEmptyRangeRefused() {
        Compiled huge = integer("{\"minimum\":1e30}");
        assertTrue(huge.grammar().startsWith("root ::= integer\n"));
        assertEquals(1, huge.relaxations().size());
        assertThrows(InferenceException.UnsupportedSchema.class, () -> integer("{\"minimum\":5,\"maximum\":4}"));
        assertThrows(InferenceException.UnsupportedSchema.class, () -> number("{\"minimum\":5,\"exclusiveMaximum\":5}"));
    }
}
