package dev.cascade4j.inference.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.cascade4j.inference.InferenceException;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the converter enforces, checked on the language of its grammars without a model. */
class JsonSchemaGrammarTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean valid(JsonNode schema, String value) {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema).validate(json(value)).isEmpty();
    }

    /** Every sentence among the samples validates, and every valid sample is a sentence (unless relaxed). */
    static void assertExact(String schemaText, List<String> samples) {
        JsonNode schema = json(schemaText);
        Gbnf g = JsonSchemaGrammar.convert(schema);
        for (String v : samples) {
            assertEquals(valid(schema, v), GbnfMatcher.accepts(g, v), schemaText + " on " + v + "\n" + g.text());
        }
        assertEquals(List.of(), JsonSchemaGrammar.relaxations(schema), schemaText);
    }

    static final List<String> PATTERNS = List.of("^[A-Z]{3}$", "^\\d{4}-\\d{2}-\\d{2}$", "^[a-z0-9_-]{3,16}$", "^\\+?[1-9]\\d{1,14}$",
            "^(ab|cd)+$", "^#?[0-9a-fA-F]{6}$", "[A-Z]{2}", "^a.c$", "^[^\"\\\\]+$", "^\\S+@\\S+\\.\\S+$", "^\"q\"$", "^a\\\\b$",
            "^(?:x|y)z?$", "^\\w+\\s\\w+$", "^[A-Z]{3}|[0-9]{3}$", "^[A-Z]{2}-\\d{3,}$", "^(?<code>[A-Z]{2})[0-9]*?$", "^[\\w.%+-]+$",
            "ab*c", "^$", "^[0-9]{5}(-[0-9]{4})?$", "^[a-z]+(\\.[a-z]+)*$", "^[ -~]{1,5}$", "^é+$");

    static final List<String> STRINGS = List.of("", "ABC", "AB", "ABCD", "abc", "2024-01-31", "2024-1-31", "user_1", "+14155550123",
            "4155550123", "abab", "abcd", "ac", "#ff00AA", "ff00aa", "xAAy", "a-c", "a\nc", "a\"c", "x@y.z", "\"q\"", "a\\b", "xz", "yz", "x",
            "hello world", "hello  world", "123", "AB1", "XY-123", "XY-12", "XY-1234", "US42", "US", "a.b%c+d-e", "abbbc", "xacx",
            "12345", "12345-6789", "12345-678", "foo.bar.baz", "foo..bar", "~ !", "éé", "e", "A B C");

    @Test
    void anObjectWithThousandsOfOptionalPropertiesConvertsWithoutDeepRecursion() throws Exception {
        var properties = JSON.createObjectNode();
        for (int i = 0; i < 20_000; i++) {
            properties.putObject("p" + i).put("type", "string").put("maxLength", 5);
        }
        JsonNode schema = JSON.createObjectNode().put("type", "object").set("properties", properties);
        Gbnf g = JsonSchemaGrammar.convert(schema);
        assertTrue(g.text().contains("p19999"), "every property is in the grammar");
        JsonNode three = JSON.readTree("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\"},"
                + "\"c\":{\"type\":\"integer\"}},\"required\":[\"b\"],\"minProperties\":2}");
        Gbnf small = JsonSchemaGrammar.convert(three);
        for (String v : List.of("{\"a\":1,\"b\":2}", "{\"b\":2,\"c\":3}", "{\"a\":1,\"b\":2,\"c\":3}")) {
            assertTrue(GbnfMatcher.accepts(small, v), v + "\n" + small.text());
        }
        for (String v : List.of("{\"b\":2}", "{\"a\":1,\"c\":3}", "{}")) {
            assertFalse(GbnfMatcher.accepts(small, v), v + "\n" + small.text());
        }
    }

    @Test
    void patternsMatchExactlyWhatTheRegexMatches() throws Exception {
        for (String p : PATTERNS) {
            JsonNode schema = JSON.createObjectNode().put("type", "string").put("pattern", p);
            Gbnf g = JsonSchemaGrammar.convert(schema);
            assertEquals(List.of(), JsonSchemaGrammar.relaxations(schema), p);
            for (String v : STRINGS) {
                boolean expected = Pattern.compile(p).matcher(v).find();
                assertEquals(expected, GbnfMatcher.accepts(g, JSON.writeValueAsString(v)), "/" + p + "/ on " + JSON.writeValueAsString(v) + "\n" + g.text());
            }
        }
    }

    @Test
    void patternsOutsideTheSubsetAreRelaxedOrRefusedInStrictMode() {
        for (String p : List.of("^(a)\\1$", "^(?=x)x$", "\\bword\\b", "^\\p{L}+$", "(?i)abc", "^a++$")) {
            JsonNode schema = JSON.createObjectNode().put("type", "string").put("pattern", p).put("maxLength", 20);
            Gbnf g = JsonSchemaGrammar.convert(schema);
            assertTrue(GbnfMatcher.accepts(g, "\"anything\""), p);
            var relaxed = JsonSchemaGrammar.relaxations(schema);
            assertEquals(1, relaxed.size(), p + " " + relaxed);
            assertEquals("/pattern", relaxed.getFirst().pointer());
            var e = assertThrows(InferenceException.UnsupportedSchema.class, () -> JsonSchemaGrammar.convert(schema, true));
            assertTrue(e.getMessage().contains("cannot be enforced"), e.getMessage());
        }
    }

    @Test
    void mapsWithFreeKeys() {
        assertExact("""
                {"type":"object","additionalProperties":{"type":"integer","minimum":0,"maximum":400}}""",
                List.of("{}", "{\"a\":1}", "{\"a\":1,\"b\":400}", "{\"a\":401}", "{\"a\":-1}", "{\"a\":\"x\"}"));
        assertExact("""
                {"type":"object","additionalProperties":{"type":"string"},"minProperties":1,"maxProperties":2}""",
                List.of("{}", "{\"a\":\"x\"}", "{\"a\":\"x\",\"b\":\"y\"}", "{\"a\":\"x\",\"b\":\"y\",\"c\":\"z\"}", "{\"a\":1}"));
        assertExact("""
                {"type":"object","propertyNames":{"pattern":"^[A-Z]{3}$"},"additionalProperties":{"type":"number"}}""",
                List.of("{}", "{\"USD\":1.5}", "{\"usd\":1.5}", "{\"EUR\":2,\"GBP\":0.5}", "{\"EURO\":2}"));
    }

    @Test
    void propertyCountsOverDeclaredProperties() {
        List<String> samples = List.of("{}", "{\"a\":1}", "{\"b\":1}", "{\"a\":1,\"b\":2}", "{\"a\":1,\"c\":3}", "{\"a\":1,\"b\":2,\"c\":3}",
                "{\"b\":2,\"c\":3}", "{\"c\":3}");
        String props = "\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\"},\"c\":{\"type\":\"integer\"}},\"additionalProperties\":false";
        assertExact("{\"type\":\"object\"," + props + ",\"minProperties\":1,\"maxProperties\":2}", samples);
        assertExact("{\"type\":\"object\"," + props + ",\"minProperties\":2,\"required\":[\"a\"]}", samples);
        assertExact("{\"type\":\"object\"," + props + ",\"maxProperties\":1}", samples);
    }

    @Test
    void requiredPropertiesThatAreNotDeclaredAreStillGenerated() {
        JsonNode schema = json("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},\"required\":[\"a\",\"b\"],\"additionalProperties\":{\"type\":\"boolean\"}}");
        Gbnf g = JsonSchemaGrammar.convert(schema);
        assertTrue(GbnfMatcher.accepts(g, "{\"a\":1,\"b\":true}"));
        assertFalse(GbnfMatcher.accepts(g, "{\"a\":1}"));
        assertFalse(GbnfMatcher.accepts(g, "{\"a\":1,\"b\":3}"));
    }

    @Test
    void nestedObjectsArraysTuplesNullablesAndMixedEnums() {
        assertExact("""
                {"type":"object","properties":{"items":{"type":"array","minItems":1,"maxItems":2,"items":{"type":"object",
                 "properties":{"sku":{"type":"string","pattern":"^[A-Z]{2}\\\\d{2}$"},"qty":{"type":"integer","minimum":1,"maximum":99}},
                 "required":["sku","qty"]}},"note":{"type":["string","null"],"maxLength":5}},"required":["items","note"]}""",
                List.of("{\"items\":[{\"sku\":\"AB12\",\"qty\":3}],\"note\":null}", "{\"items\":[],\"note\":null}",
                        "{\"items\":[{\"sku\":\"AB12\",\"qty\":3},{\"sku\":\"CD34\",\"qty\":99}],\"note\":\"hi\"}",
                        "{\"items\":[{\"sku\":\"ab12\",\"qty\":3}],\"note\":null}", "{\"items\":[{\"sku\":\"AB12\",\"qty\":100}],\"note\":null}",
                        "{\"items\":[{\"sku\":\"AB12\",\"qty\":1}],\"note\":\"toolong\"}"));
        assertExact("{\"enum\":[\"a\",1,null,true,{\"x\":[1]}]}", List.of("\"a\"", "1", "null", "true", "{\"x\":[1]}", "false", "2"));
        assertExact("{\"type\":\"array\",\"prefixItems\":[{\"type\":\"number\",\"minimum\":0},{\"type\":\"string\",\"format\":\"date\"}],\"items\":false}",
                List.of("[1.5,\"2024-01-31\"]", "[-1,\"2024-01-31\"]", "[1,\"2024-01-31\",2]"));
        assertExact("{\"oneOf\":[{\"type\":\"integer\",\"minimum\":-90,\"maximum\":90},{\"const\":\"north\"}]}",
                List.of("0", "-90", "91", "\"north\"", "\"south\""));
    }

    static final List<String> NUMBERS = List.of("0", "0.5", "-0.5", "1", "-1", "4.99", "5", "5.01", "5.10", "-5", "-5.5", "-10",
            "-10.25", "-9.75", "45.5", "89.999", "90", "90.5", "-90", "-90.5", "91", "-91", "100.5", "180", "-180", "1e5", "7", "12.5");

    @Test
    void wholeNumberBoundsOnNumbersAreExact() {
        for (String bounds : List.of("\"minimum\":-90,\"maximum\":90", "\"minimum\":0", "\"exclusiveMinimum\":0", "\"exclusiveMaximum\":0",
                "\"maximum\":0", "\"exclusiveMinimum\":5,\"maximum\":90", "\"minimum\":-10,\"exclusiveMaximum\":-5", "\"maximum\":-10",
                "\"exclusiveMinimum\":-10,\"exclusiveMaximum\":5", "\"minimum\":5,\"maximum\":5")) {
            // Bounded numbers are written without exponent: 1e5 is valid under some of these bounds but never generated.
            assertExact("{\"type\":\"number\"," + bounds + "}", NUMBERS.stream().filter(v -> !v.contains("e")).toList());
            assertFalse(GbnfMatcher.accepts(JsonSchemaGrammar.convert(json("{\"type\":\"number\"," + bounds + "}")), "1e5"));
        }
    }

    @Test
    void fractionalNumberBoundsHoldSignAndIntegerPartAndRelaxTheRest() {
        JsonNode rate = json("{\"type\":\"number\",\"minimum\":0.5,\"maximum\":99.5}");
        Gbnf g = JsonSchemaGrammar.convert(rate);
        for (String v : NUMBERS) {
            if (GbnfMatcher.accepts(g, v)) {
                double x = Double.parseDouble(v);
                assertTrue(x >= 0 && x < 100 && !v.contains("e"), v);
            }
        }
        assertTrue(GbnfMatcher.accepts(g, "45.5"));
        assertEquals("/minimum", JsonSchemaGrammar.relaxations(rate).getFirst().pointer());
        assertThrows(InferenceException.UnsupportedSchema.class, () -> JsonSchemaGrammar.convert(rate, true));
    }

    @Test
    void keywordsWithoutAGrammarAreRelaxedAndStrictModeRefusesThem() {
        for (String s : List.of("{\"type\":\"integer\",\"multipleOf\":5}", "{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"uniqueItems\":true}",
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"not\":{\"required\":[\"a\"]}}",
                "{\"type\":\"object\",\"patternProperties\":{\"^x\":{\"type\":\"integer\"}}}",
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"minProperties\":3}",
                "{\"allOf\":[{\"type\":\"string\",\"pattern\":\"^a\"},{\"type\":\"string\",\"pattern\":\"b$\"}]}")) {
            JsonNode schema = json(s);
            JsonSchemaGrammar.convert(schema);
            assertFalse(JsonSchemaGrammar.relaxations(schema).isEmpty(), s);
            var e = assertThrows(InferenceException.UnsupportedSchema.class, () -> JsonSchemaGrammar.convert(schema, true), s);
            assertTrue(e.getMessage().startsWith("JSON schema at /"), e.getMessage());
        }
    }

    @Test
    void countsBeyondWhatAGrammarRepeatsAreRefusedOrRelaxedInSchemaTerms() {
        // a lower bound no grammar can force is refused, naming the keyword
        for (String s : List.of("{\"type\":\"string\",\"minLength\":5000}", "{\"type\":\"array\",\"minItems\":5000}",
                "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\"},\"minProperties\":5000}")) {
            var e = assertThrows(InferenceException.UnsupportedSchema.class, () -> JsonSchemaGrammar.convert(json(s)), s);
            assertTrue(e.pointer().startsWith("/min") && e.getMessage().contains("more than the 2000 repetitions"), e.getMessage());
        }
        // an upper bound is relaxed (validation checks it after generation), in patterns too, however large its number
        for (String s : List.of("{\"type\":\"string\",\"maxLength\":5000}", "{\"type\":\"array\",\"maxItems\":1e30}",
                "{\"type\":\"string\",\"pattern\":\"^a{5000}$\"}", "{\"type\":\"string\",\"pattern\":\"^a{2,99999999999}$\"}",
                "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\"},\"maxProperties\":2147483648}")) {
            JsonNode schema = json(s);
            Gbnf g = JsonSchemaGrammar.convert(schema);
            assertFalse(g.text().matches("(?s).*\\{\\d{5,}.*"), s + "\n" + g.text());
            assertEquals(1, JsonSchemaGrammar.relaxations(schema).size(), s);
        }
        // a maximum beyond the declared properties bounds nothing and costs nothing
        JsonNode wide = json("{\"type\":\"object\",\"properties\":{\"a\":{},\"b\":{},\"c\":{}},\"maxProperties\":2147483647}");
        assertTrue(GbnfMatcher.accepts(JsonSchemaGrammar.convert(wide), "{\"a\":1,\"b\":2,\"c\":3}"));
        for (String bad : List.of("-1", "1.5", "\"3\"", "true")) {
            var e = assertThrows(InferenceException.UnsupportedSchema.class,
                    () -> JsonSchemaGrammar.convert(json("{\"type\":\"string\",\"maxLength\":" + bad + "}")), bad);
            assertTrue(e.getMessage().contains("non-negative whole number"), e.getMessage());
        }
    }

    @Test
    void schemasNoValueSatisfiesAreStillRefused() {
        for (String s : List.of("{\"type\":\"integer\",\"minimum\":5,\"maximum\":4}", "{\"type\":\"array\",\"minItems\":3,\"maxItems\":2}",
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[\"a\",\"b\"],\"additionalProperties\":false}",
                "{\"type\":\"object\",\"properties\":{\"a\":{},\"b\":{}},\"required\":[\"a\",\"b\"],\"maxProperties\":1}", "{\"type\":\"nonsense\"}")) {
            assertThrows(InferenceException.UnsupportedSchema.class, () -> JsonSchemaGrammar.convert(json(s)), s);
        }
    }

    @Test
    void keywordsOfOneTypeNarrowASchemaWithoutType() {
        assertExact("{\"pattern\":\"^[A-Z]{3}$\"}", List.of("\"ABC\"", "\"abc\"", "\"ABCD\""));
        Gbnf g = JsonSchemaGrammar.convert(json("{\"minimum\":0,\"maximum\":10}"));
        assertTrue(GbnfMatcher.accepts(g, "7.5"));
        assertFalse(GbnfMatcher.accepts(g, "11"));
        assertFalse(GbnfMatcher.accepts(g, "\"x\""));
        JsonNode nullableMultiple = json("{\"type\":[\"integer\",\"null\"],\"multipleOf\":3}");
        assertEquals(1, JsonSchemaGrammar.relaxations(nullableMultiple).size(), "one relaxation per keyword, not per branch");
    }

    @Test
    void formatsHaveShapes() {
        Gbnf ip = JsonSchemaGrammar.convert(json("{\"type\":\"string\",\"format\":\"ipv4\"}"));
        assertTrue(GbnfMatcher.accepts(ip, "\"192.168.0.255\""));
        assertFalse(GbnfMatcher.accepts(ip, "\"192.168.0.256\""));
        assertFalse(GbnfMatcher.accepts(ip, "\"01.2.3.4\""));
        Gbnf email = JsonSchemaGrammar.convert(json("{\"type\":\"string\",\"format\":\"email\"}"));
        assertTrue(GbnfMatcher.accepts(email, "\"ada.lovelace@example.co.uk\""));
        assertFalse(GbnfMatcher.accepts(email, "\"not an email\""));
    }
}
