package dev.cascade4j.inference.internal.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.grammar.JsonSchemaGrammar.Relaxation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks one schema and collects its GBNF rules: it resolves references, combinators and type lists,
 * and hands each type to the compiler of its keywords, which adds its rules here.
 */
final class SchemaCompiler {
    private final JsonNode rootSchema;
    private final boolean strict;
    final List<Relaxation> relaxations = new ArrayList<>();
    final Map<String, String> rules = new LinkedHashMap<>();
    private final Map<String, String> refRules = new LinkedHashMap<>();
    private final SchemaMerge merge = new SchemaMerge(this);
    private final ObjectRules objects = new ObjectRules(this);
    private final ArrayRules arrays = new ArrayRules(this);
    private final StringRules strings = new StringRules(this);
    private final NumberRules numbers = new NumberRules(this);

    SchemaCompiler(JsonNode rootSchema, boolean strict) {
        this.rootSchema = rootSchema;
        this.strict = strict;
    }

    /** The rules collected so far, one {@code name ::= body} line each. */
    String render() {
        StringBuilder sb = new StringBuilder();
        rules.forEach((name, body) -> sb.append(name).append(" ::= ").append(body).append('\n'));
        return sb.toString();
    }

    /** Adds a rule under {@code name}, or under a numbered variant when another body holds the name; returns the name used. */
    String ruleFor(String name, String body) {
        String unique = name;
        for (int i = 2; rules.containsKey(unique) && !rules.get(unique).equals(body); i++) {
            unique = name + "-" + i;
        }
        rules.put(unique, body);
        return unique;
    }

    /** The rule expression matching a value of {@code s}, adding the rules it needs under names starting with {@code name}. */
    String visit(JsonNode s, String pointer, String name) {
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
            return GrammarRules.literal(s.get("const"));
        }
        if (s.has("enum")) {
            List<String> alts = new ArrayList<>();
            s.get("enum").forEach(v -> alts.add(GrammarRules.literal(v)));
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
                    alts.add(ruleFor(name + "-" + i, visit(merge.merged(s, alt, key), pointer + "/" + key + "/" + i, name + "-" + i)));
                    i++;
                }
                return "(" + String.join(" | ", alts) + ")";
            }
        }
        if (s.has("allOf")) {
            JsonNode merged = s.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) merged).remove("allOf");
            for (JsonNode part : s.get("allOf")) {
                merged = merge.mergeObjects(merged, part.has("$ref") ? resolve(part.get("$ref").asText(), pointer) : part, pointer + "/allOf");
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
            case "object" -> objects.object(s, pointer, name);
            case "array" -> arrays.array(s, pointer, name);
            case "string" -> strings.string(s, pointer);
            case "integer" -> numbers.integer(s, pointer);
            case "number" -> numbers.number(s, pointer);
            case "boolean" -> "boolean";
            case "null" -> "null";
            case "any" -> "value";
            default -> throw new InferenceException.UnsupportedSchema(pointer + "/type", "unknown type '" + t + "'");
        };
    }

    /**
     * The type a schema without "type" is generated as. Keywords of one type narrow it to that type:
     * a subset of what the schema allows, so every answer still validates, and the keyword is enforced.
     */
    private static String inferType(JsonNode s) {
        for (var entry : INFERRED.entrySet()) {
            for (String k : entry.getValue()) {
                if (s.has(k)) {
                    return entry.getKey();
                }
            }
        }
        return "any";
    }

    private static final Map<String, List<String>> INFERRED = new LinkedHashMap<>(Map.of(
            "object", List.of("properties", "required", "additionalProperties", "minProperties", "maxProperties", "propertyNames", "patternProperties"),
            "array", List.of("items", "prefixItems", "minItems", "maxItems"),
            "string", List.of("pattern", "minLength", "maxLength", "format"),
            "number", List.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")));

    /** Keywords no grammar here expresses: relaxed, and checked by validation after generation. */
    private static final Set<String> RELAXED = Set.of("not", "if", "then", "else", "dependentRequired", "dependentSchemas",
            "dependencies", "unevaluatedProperties", "unevaluatedItems", "contains", "minContains", "maxContains",
            "multipleOf", "uniqueItems");

    private void checkKeywords(JsonNode s, String pointer) {
        Iterator<String> names = s.fieldNames();
        while (names.hasNext()) {
            String k = names.next();
            if (RELAXED.contains(k)) {
                relax(pointer + "/" + k, "the keyword '" + k
                        + "' cannot be enforced while generating; remove it or express it with enum, const or bounds");
            }
        }
    }

    /** Records a keyword the grammar does not enforce exactly; strict mode refuses the schema instead. */
    void relax(String pointer, String reason) {
        if (strict) {
            throw new InferenceException.UnsupportedSchema(pointer, reason);
        }
        Relaxation r = new Relaxation(pointer, reason);
        if (!relaxations.contains(r)) { // a schema under a type list or anyOf is visited once per branch
            relaxations.add(r);
        }
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

    /** llama.cpp's grammar parser refuses to repeat anything more often than this. */
    static final int MAX_REPETITIONS = 2000;

    /**
     * A count keyword (minLength, maxItems, minProperties, ...): {@code absent} when missing, values past
     * int's range as {@link Integer#MAX_VALUE}. Anything but a non-negative whole number is refused.
     */
    static int count(JsonNode s, String key, String pointer, int absent) {
        JsonNode v = s.get(key);
        if (v == null) {
            return absent;
        }
        double d = v.isNumber() ? v.asDouble() : -1;
        if (d < 0 || d != Math.rint(d)) {
            throw new InferenceException.UnsupportedSchema(pointer + "/" + key, key + " must be a non-negative whole number, not " + v);
        }
        return d >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) d;
    }

    /**
     * Bounds that become a grammar repetition: a lower bound beyond what the grammar can repeat is refused
     * (no grammar could force it), an upper one is relaxed and checked by validation after generation.
     *
     * @return the upper bound to compile, -1 when there is none
     */
    int repetitionBound(int min, int max, String pointer, String minKey, String maxKey) {
        if (min > MAX_REPETITIONS) {
            throw new InferenceException.UnsupportedSchema(pointer + "/" + minKey, minKey + " " + min + " is more than the "
                    + MAX_REPETITIONS + " repetitions a generation grammar can hold; lower it");
        }
        if (max > MAX_REPETITIONS) {
            relax(pointer + "/" + maxKey, maxKey + " " + max + " is more than the " + MAX_REPETITIONS
                    + " repetitions a generation grammar can hold, so it is not enforced while generating");
            return -1;
        }
        return max;
    }

    /** An expression repeated min to max times (max -1: no limit); empty when it may not occur. */
    static String repeat(String expr, int min, int max) {
        if (max == 0) {
            return "";
        }
        String quantifier = min == 0 && max < 0 ? "*" : min == 1 && max < 0 ? "+" : min == 0 && max == 1 ? "?"
                : min == max ? "{" + min + "}" : "{" + min + "," + (max < 0 ? "" : max) + "}";
        return "( " + expr + " )" + quantifier;
    }
}
