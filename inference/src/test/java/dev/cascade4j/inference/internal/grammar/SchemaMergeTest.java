package dev.cascade4j.inference.internal.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.grammar.JsonSchemaGrammar.Relaxation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How allOf parts and the keywords beside anyOf/oneOf are folded into one schema. */
class SchemaMergeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void ofTwoBoundsTheTighterHoldsAndPropertiesAndRequiredAreJoined() {
        SchemaCompiler compiler = new SchemaCompiler(json("{}"), false);
        JsonNode merged = new SchemaMerge(compiler).mergeObjects(
                json("{\"minimum\":1,\"maxLength\":10,\"properties\":{\"a\":{}},\"required\":[\"a\"]}"),
                json("{\"minimum\":3,\"maxLength\":20,\"properties\":{\"b\":{}},\"required\":[\"b\"],\"title\":\"t\"}"), "/allOf");
        assertEquals(json("{\"minimum\":3,\"maxLength\":10,\"properties\":{\"a\":{},\"b\":{}},\"required\":[\"a\",\"b\"],\"title\":\"t\"}"), merged);
        assertEquals(List.of(), compiler.relaxations);
    }

    @Test
    void partsThatDisagreeFollowTheLastOneAndAreRecordedAsRelaxed() {
        SchemaCompiler compiler = new SchemaCompiler(json("{}"), false);
        JsonNode merged = new SchemaMerge(compiler).mergeObjects(json("{\"type\":\"string\"}"), json("{\"type\":\"integer\"}"), "/allOf");
        assertEquals(json("{\"type\":\"integer\"}"), merged);
        assertEquals(List.of("/allOf/type"), compiler.relaxations.stream().map(Relaxation::pointer).toList());
    }

    @Test
    void keywordsBesideAnyOfApplyToEachAlternativeUnlessTheyAreOnlyAnnotations() {
        SchemaMerge merge = new SchemaMerge(new SchemaCompiler(json("{}"), false));
        JsonNode alt = json("{\"maxLength\":3}");
        assertSame(alt, merge.merged(json("{\"description\":\"d\",\"anyOf\":[]}"), alt, "anyOf"));
        assertEquals(json("{\"type\":\"string\",\"maxLength\":3}"), merge.merged(json("{\"type\":\"string\",\"anyOf\":[]}"), alt, "anyOf"));
        JsonNode ref = json("{\"$ref\":\"#/$defs/x\"}");
        assertSame(ref, merge.merged(json("{\"type\":\"string\",\"oneOf\":[]}"), ref, "oneOf"));
    }
}
