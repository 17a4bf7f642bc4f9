package dev.cascade4j.inference.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.InferenceException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts a JSON schema into a GBNF grammar whose every sentence is compact JSON valid against the
 * schema. No free whitespace is allowed anywhere (small models otherwise emit endless newlines), and
 * object keys come in the schema's order. What cannot be expressed exactly is an
 * {@link InferenceException.UnsupportedSchema} naming where and what, never a looser grammar.
 */
public final class JsonSchemaGrammar {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ANNOTATIONS = Set.of("description", "title", "examples", "default", "$schema", "$id",
            "$comment", "deprecated", "readOnly", "writeOnly", "$defs", "definitions", "strict", "additionalProperties", "format");

    private static final String PRIMITIVES = """
            value ::= object | array | string | number | boolean | null
            object ::= "{" ( string ":" value ( "," string ":" value )* )? "}"
            array ::= "[" ( value ( "," value )* )? "]"
            string ::= "\\"" char* "\\""
            char ::= [^"\\\\\\x7F\\x00-\\x1F] | "\\\\" ( ["\\\\/bfnrt] | "u" [0-9a-fA-F]{4} )
            number ::= "-"? int-part ( "." [0-9]+ )? ( [eE] [-+]? [0-9]+ )?
            int-part ::= "0" | [1-9] [0-9]{0,15}
            integer ::= "-"? int-part
            boolean ::= "true" | "false"
            null ::= "null"
            """;

    private final JsonNode rootSchema;
    private final Map<String, String> rules = new LinkedHashMap<>();
    private final Map<String, String> refRules = new LinkedHashMap<>();

    private JsonSchemaGrammar(JsonNode rootSchema) {
        this.rootSchema = rootSchema;
    }

    public static Gbnf convert(JsonNode schema) {
        if (schema == null) {
            throw new InferenceException.UnsupportedSchema("", "no schema given");
        }
        JsonSchemaGrammar g = new JsonSchemaGrammar(schema);
        String body = g.visit(schema, "", "root");
        g.rules.put("root", body);
        return new Gbnf(g.render(), "root");
    }

    /** Adds the rules for one schema under a name prefix; returns the rule that matches a value of this schema. */
    public static String appendRules(JsonNode schema, String prefix, StringBuilder grammar) {
        JsonSchemaGrammar g = new JsonSchemaGrammar(schema);
        String body = g.visit(schema, "", prefix);
        g.rules.put(prefix, body);
        g.rules.forEach((name, rule) -> grammar.append(name).append(" ::= ").append(rule).append('\n'));
        return prefix;
    }

    /** The rules every grammar may use: value, object, array, string, char, number, integer, boolean, null. */
    public static String primitives() {
        return PRIMITIVES;
    }

    private String render() {
        StringBuilder sb = new StringBuilder();
        rules.forEach((name, body) -> sb.append(name).append(" ::= ").append(body).append('\n'));
        return sb.append(PRIMITIVES).toString();
    }

    private String ruleFor(String name, String body) {
        String unique = name;
        for (int i = 2; rules.containsKey(unique) && !rules.get(unique).equals(body); i++) {
            unique = name + "-" + i;
        }
        rules.put(unique, body);
        return unique;
    }

    private String visit(JsonNode s, String pointer, String name) {
        if (s.isBoolean()) {
            if (s.asBoolean()) {
                return "value";
            }
            throw new InferenceException.UnsupportedSchema(pointer, "the schema 'false' matches nothing");
        }
        if (!s.isObject()) {
            throw new InferenceException.UnsupportedSchema(pointer, "a schema must be an object or a boolean");
        }
        checkKeywords(s, pointer);
        if (s.has("$ref")) {
            return ref(s.get("$ref").asText(), pointer);
        }
        if (s.has("const")) {
            return literal(s.get("const"));
        }
        if (s.has("enum")) {
            List<String> alts = new ArrayList<>();
            s.get("enum").forEach(v -> alts.add(literal(v)));
            if (alts.isEmpty()) {
                throw new InferenceException.UnsupportedSchema(pointer + "/enum", "an empty enum matches nothing");
            }
            return "(" + String.join(" | ", alts) + ")";
        }
        for (String key : List.of("anyOf", "oneOf")) {
            if (s.has(key)) {
                List<String> alts = new ArrayList<>();
                int i = 0;
                for (JsonNode alt : s.get(key)) {
                    alts.add(ruleFor(name + "-" + i, visit(merged(s, alt, key), pointer + "/" + key + "/" + i, name + "-" + i)));
                    i++;
                }
                return "(" + String.join(" | ", alts) + ")";
            }
        }
        if (s.has("allOf")) {
            JsonNode merged = s.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) merged).remove("allOf");
            for (JsonNode part : s.get("allOf")) {
                merged = mergeObjects(merged, part.has("$ref") ? resolve(part.get("$ref").asText(), pointer) : part, pointer + "/allOf");
            }
            return visit(merged, pointer, name);
        }
        JsonNode type = s.get("type");
        if (type != null && type.isArray()) {
            List<String> alts = new ArrayList<>();
            for (JsonNode t : type) {
                JsonNode single = s.deepCopy();
                ((com.fasterxml.jackson.databind.node.ObjectNode) single).put("type", t.asText());
                alts.add(visit(single, pointer, name + "-" + t.asText()));
            }
            return "(" + String.join(" | ", alts) + ")";
        }
        String t = type == null ? inferType(s) : type.asText();
        return switch (t) {
            case "object" -> object(s, pointer, name);
            case "array" -> array(s, pointer, name);
            case "string" -> string(s, pointer);
            case "integer" -> integer(s, pointer);
            case "number" -> number(s, pointer);
            case "boolean" -> "boolean";
            case "null" -> "null";
            case "any" -> "value";
            default -> throw new InferenceException.UnsupportedSchema(pointer + "/type", "unknown type '" + t + "'");
        };
    }

    private static String inferType(JsonNode s) {
        if (s.has("properties") || s.has("required")) {
            return "object";
        }
        if (s.has("items")) {
            return "array";
        }
        return "any";
    }

    private static final Set<String> UNSUPPORTED = Set.of("pattern", "patternProperties", "not", "if", "then", "else",
            "dependentRequired", "dependentSchemas", "propertyNames", "unevaluatedProperties", "unevaluatedItems", "contains",
            "multipleOf", "uniqueItems", "prefixItems", "minProperties", "maxProperties");

    private static void checkKeywords(JsonNode s, String pointer) {
        Iterator<String> names = s.fieldNames();
        while (names.hasNext()) {
            String k = names.next();
            if (UNSUPPORTED.contains(k)) {
                throw new InferenceException.UnsupportedSchema(pointer + "/" + k, "the keyword '" + k
                        + "' cannot be enforced while generating; remove it or express it with enum, const or bounds");
            }
        }
        JsonNode ap = s.get("additionalProperties");
        if (ap != null && !(ap.isBoolean() && !ap.asBoolean()) && s.has("properties")) {
            // Only the declared properties are generated, which any additionalProperties setting accepts.
            return;
        }
        if (ap != null && ap.isObject() && !s.has("properties")) {
            throw new InferenceException.UnsupportedSchema(pointer + "/additionalProperties",
                    "maps with free keys (additionalProperties with a schema and no properties) are not supported; declare the properties");
        }
    }

    private JsonNode merged(JsonNode parent, JsonNode alt, String key) {
        // Keywords beside anyOf/oneOf (e.g. a shared "type") apply to every alternative.
        JsonNode base = parent.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) base).remove(key);
        if (alt.has("$ref")) {
            return alt;
        }
        boolean onlyAnnotations = true;
        Iterator<String> it = base.fieldNames();
        while (it.hasNext()) {
            if (!ANNOTATIONS.contains(it.next())) {
                onlyAnnotations = false;
            }
        }
        return onlyAnnotations ? alt : mergeObjects(base, alt, "");
    }

    private static JsonNode mergeObjects(JsonNode a, JsonNode b, String pointer) {
        var out = (com.fasterxml.jackson.databind.node.ObjectNode) a.deepCopy();
        Iterator<Map.Entry<String, JsonNode>> fields = b.fields();
        while (fields.hasNext()) {
            var f = fields.next();
            switch (f.getKey()) {
                case "properties" -> {
                    var props = out.has("properties") ? (com.fasterxml.jackson.databind.node.ObjectNode) out.get("properties") : out.putObject("properties");
                    props.setAll((com.fasterxml.jackson.databind.node.ObjectNode) f.getValue());
                }
                case "required" -> {
                    var req = out.has("required") ? (com.fasterxml.jackson.databind.node.ArrayNode) out.get("required") : out.putArray("required");
                    f.getValue().forEach(req::add);
                }
                default -> {
                    if (out.has(f.getKey()) && !out.get(f.getKey()).equals(f.getValue()) && !ANNOTATIONS.contains(f.getKey())) {
                        throw new InferenceException.UnsupportedSchema(pointer, "allOf parts disagree on '" + f.getKey() + "'");
                    }
                    out.set(f.getKey(), f.getValue());
                }
            }
        }
        return out;
    }

    private String ref(String ref, String pointer) {
        String existing = refRules.get(ref);
        if (existing != null) {
            return existing;
        }
        String name = "ref-" + ref.replaceAll(".*/", "").replaceAll("[^A-Za-z0-9]+", "-").toLowerCase();
        refRules.put(ref, name);
        rules.put(name, ""); // reserve: recursive schemas refer to the rule before it is complete
        rules.put(name, visit(resolve(ref, pointer), ref.substring(1), name));
        return name;
    }

    private JsonNode resolve(String ref, String pointer) {
        // Only a pointer into this schema is followed: nothing a client's schema says is fetched or opened,
        // and the message is the same whatever the reference names.
        if (!ref.equals("#") && !ref.startsWith("#/")) {
            throw new InferenceException.UnsupportedSchema(pointer + "/$ref",
                    "only references into the schema itself (#/$defs/... or #/definitions/...) are supported");
        }
        JsonNode target;
        try {
            target = rootSchema.at(ref.substring(1));
        } catch (IllegalArgumentException e) {
            throw new InferenceException.UnsupportedSchema(pointer + "/$ref", "reference '" + ref + "' is not a JSON pointer");
        }
        if (target.isMissingNode()) {
            throw new InferenceException.UnsupportedSchema(pointer + "/$ref", "reference '" + ref + "' points at nothing");
        }
        return target;
    }

    private String object(JsonNode s, String pointer, String name) {
        JsonNode props = s.path("properties");
        Set<String> required = new java.util.HashSet<>();
        s.path("required").forEach(r -> required.add(r.asText()));
        for (String r : required) {
            if (!props.has(r)) {
                throw new InferenceException.UnsupportedSchema(pointer + "/required", "required property '" + r + "' is not declared in properties");
            }
        }
        if (!props.isObject() || props.isEmpty()) {
            JsonNode ap = s.get("additionalProperties");
            return ap != null && ap.isBoolean() && !ap.asBoolean() ? "\"{}\"" : (s.has("properties") ? "\"{}\"" : "object");
        }
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        List<Boolean> isRequired = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = props.fields();
        while (it.hasNext()) {
            var p = it.next();
            String ruleName = name + "-" + p.getKey().replaceAll("[^A-Za-z0-9]+", "-").toLowerCase();
            String value = ruleFor(ruleName, visit(p.getValue(), pointer + "/properties/" + p.getKey(), ruleName));
            keys.add(literal(JSON.getNodeFactory().textNode(p.getKey())) + " \":\"");
            values.add(value);
            isRequired.add(required.contains(p.getKey()));
        }
        return "\"{\" " + members(keys, values, isRequired, 0, true, name) + " \"}\"";
    }

    /**
     * Members from index i on, in order; optional ones may be left out. {@code first} says whether a
     * comma is needed before the next member.
     */
    private String members(List<String> keys, List<String> values, List<Boolean> required, int i, boolean first, String name) {
        if (i == keys.size()) {
            return "";
        }
        String sep = first ? "" : "\",\" ";
        String self = sep + keys.get(i) + " " + values.get(i);
        String restAfterSelf = members(keys, values, required, i + 1, false, name);
        String withSelf = (self + " " + restAfterSelf).strip();
        if (required.get(i)) {
            return withSelf;
        }
        String without = members(keys, values, required, i + 1, first, name);
        String body = without.isEmpty() ? "(" + withSelf + ")?" : "(" + withSelf + ") | (" + without + ")";
        return ruleFor(name + "-m" + i + (first ? "-first" : ""), body);
    }

    private String array(JsonNode s, String pointer, String name) {
        String item = s.has("items") ? ruleFor(name + "-item", visit(s.get("items"), pointer + "/items", name + "-item")) : "value";
        int min = s.path("minItems").asInt(0);
        int max = s.has("maxItems") ? s.get("maxItems").asInt() : -1;
        if (max >= 0 && max < min) {
            throw new InferenceException.UnsupportedSchema(pointer, "maxItems " + max + " is below minItems " + min);
        }
        if (max == 0) {
            return "\"[]\"";
        }
        String rest = max < 0 ? "( \",\" " + item + " )*" : "( \",\" " + item + " ){" + Math.max(0, min - 1) + "," + (max - 1) + "}";
        if (max < 0 && min > 1) {
            rest = "( \",\" " + item + " ){" + (min - 1) + ",}";
        }
        String nonEmpty = item + " " + rest;
        return min == 0 ? "\"[\" ( " + nonEmpty + " )? \"]\"" : "\"[\" " + nonEmpty + " \"]\"";
    }

    private String string(JsonNode s, String pointer) {
        String format = s.path("format").asText("");
        String body = switch (format) {
            case "date" -> "[0-9]{4} \"-\" ( \"0\" [1-9] | \"1\" [0-2] ) \"-\" ( \"0\" [1-9] | [1-2] [0-9] | \"3\" [0-1] )";
            case "time" -> "( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] \":\" [0-5] [0-9] ( \".\" [0-9]{3} )? ( \"Z\" | [+-] ( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] )";
            case "date-time" -> "[0-9]{4} \"-\" ( \"0\" [1-9] | \"1\" [0-2] ) \"-\" ( \"0\" [1-9] | [1-2] [0-9] | \"3\" [0-1] ) \"T\" ( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] \":\" [0-5] [0-9] ( \".\" [0-9]{3} )? ( \"Z\" | [+-] ( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] )";
            case "uuid" -> "[0-9a-f]{8} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{12}";
            default -> null;
        };
        if (body != null) {
            return "\"\\\"\" " + body + " \"\\\"\"";
        }
        int min = s.path("minLength").asInt(0);
        int max = s.has("maxLength") ? s.get("maxLength").asInt() : -1;
        if (max >= 0 && max < min) {
            throw new InferenceException.UnsupportedSchema(pointer, "maxLength " + max + " is below minLength " + min);
        }
        if (min == 0 && max < 0) {
            return "string";
        }
        String reps = max < 0 ? "{" + min + ",}" : "{" + min + "," + max + "}";
        return "\"\\\"\" char" + reps + " \"\\\"\"";
    }

    private String integer(JsonNode s, String pointer) {
        Long min = bound(s, "minimum", "exclusiveMinimum", true, pointer);
        Long max = bound(s, "maximum", "exclusiveMaximum", false, pointer);
        if (min == null && max == null) {
            return "integer";
        }
        if (min != null && max != null && min > max) {
            throw new InferenceException.UnsupportedSchema(pointer, "the integer range is empty (" + min + " > " + max + ")");
        }
        return IntegerRange.grammar(min, max);
    }

    private static Long bound(JsonNode s, String inclusive, String exclusive, boolean lower, String pointer) {
        Long b = null;
        if (s.has(inclusive)) {
            b = lower ? (long) Math.ceil(s.get(inclusive).asDouble()) : (long) Math.floor(s.get(inclusive).asDouble());
        }
        if (s.has(exclusive) && s.get(exclusive).isNumber()) {
            double x = s.get(exclusive).asDouble();
            long e = lower ? (long) Math.floor(x) + 1 : (long) Math.ceil(x) - 1;
            b = b == null ? e : (lower ? Math.max(b, e) : Math.min(b, e));
        }
        return b;
    }

    private String number(JsonNode s, String pointer) {
        for (String k : List.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")) {
            if (s.has(k)) {
                throw new InferenceException.UnsupportedSchema(pointer + "/" + k, "bounds on a non-integer number cannot be enforced while generating; "
                        + "use an integer (e.g. cents or a percentage) or drop the bound");
            }
        }
        return "number";
    }

    /** A GBNF literal matching exactly the compact JSON text of a value. */
    static String literal(JsonNode value) {
        String json;
        try {
            json = JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : json.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
