package dev.cascade4j.inference.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import dev.cascade4j.inference.InferenceException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts a JSON schema into a GBNF grammar for compact JSON. No free whitespace is allowed anywhere
 * (small models otherwise emit endless newlines), and object keys come in the schema's order, so the
 * keys that determine an answer come first when the schema lists them first. What the grammar can
 * enforce it enforces exactly: types, enums, const, integer bounds of any size, string lengths,
 * patterns within a practical regex subset, formats, array and property counts, maps. Any other
 * keyword is relaxed: the grammar accepts a superset and the answer is validated against the full
 * schema after generation (the router escalates a violation), because a tool whose schema the grammar
 * cannot mirror must still be callable. Each relaxation is recorded; in strict mode the first one is
 * an {@link InferenceException.UnsupportedSchema} naming where and what, for callers who want only
 * grammar-guaranteed answers. Only a schema that is malformed or that no value satisfies fails in
 * both modes.
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

    /**
     * A keyword the grammar does not enforce exactly; answers are validated against it after generation.
     *
     * @param pointer JSON pointer of the keyword in the schema
     * @param reason  what cannot be enforced, and how to make it enforceable
     */
    public record Relaxation(String pointer, String reason) {
    }

    private final JsonNode rootSchema;
    private final boolean strict;
    private final List<Relaxation> relaxations = new ArrayList<>();
    private final Map<String, String> rules = new LinkedHashMap<>();
    private final Map<String, String> refRules = new LinkedHashMap<>();

    private JsonSchemaGrammar(JsonNode rootSchema, boolean strict) {
        this.rootSchema = rootSchema;
        this.strict = strict;
    }

    /** The grammar for a schema, relaxing what it cannot enforce (answers are validated after generation). */
    public static Gbnf convert(JsonNode schema) {
        return convert(schema, false);
    }

    /**
     * The grammar for a schema.
     *
     * @param strict refuse, rather than relax, any keyword the grammar cannot enforce exactly
     * @throws InferenceException.UnsupportedSchema when the schema is malformed or matches nothing, or, in
     *         strict mode, at the first keyword the grammar cannot enforce
     */
    public static Gbnf convert(JsonNode schema, boolean strict) {
        if (schema == null) {
            throw new InferenceException.UnsupportedSchema("", "no schema given");
        }
        JsonSchemaGrammar g = new JsonSchemaGrammar(schema, strict);
        String body = g.visit(schema, "", "root");
        g.rules.put("root", body);
        return new Gbnf(g.render(), "root");
    }

    /** The keywords of a schema that its grammar relaxes, in schema order; empty when it enforces them all. */
    public static List<Relaxation> relaxations(JsonNode schema) {
        JsonSchemaGrammar g = new JsonSchemaGrammar(schema, false);
        g.visit(schema, "", "root");
        return List.copyOf(g.relaxations);
    }

    /**
     * Refuses a schema at the first keyword its grammar would relax, for strict callers of grammars built
     * elsewhere (tool calls). A malformed schema is left to the grammar built next, which names the problem.
     *
     * @param pointerPrefix where the schema sits in the request, e.g. {@code /tools/get_weather/parameters}
     */
    public static void requireExact(JsonNode schema, String pointerPrefix) {
        List<Relaxation> relaxed;
        try {
            relaxed = relaxations(schema);
        } catch (InferenceException.UnsupportedSchema malformed) {
            return;
        }
        if (!relaxed.isEmpty()) {
            throw new InferenceException.UnsupportedSchema(pointerPrefix + relaxed.getFirst().pointer(), relaxed.getFirst().reason());
        }
    }

    /** Adds the rules for one schema under a name prefix; returns the rule that matches a value of this schema. */
    public static String appendRules(JsonNode schema, String prefix, StringBuilder grammar) {
        JsonSchemaGrammar g = new JsonSchemaGrammar(schema, false);
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
    private void relax(String pointer, String reason) {
        if (strict) {
            throw new InferenceException.UnsupportedSchema(pointer, reason);
        }
        Relaxation r = new Relaxation(pointer, reason);
        if (!relaxations.contains(r)) { // a schema under a type list or anyOf is visited once per branch
            relaxations.add(r);
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

    private static final Set<String> LOWER_BOUNDS = Set.of("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties");
    private static final Set<String> UPPER_BOUNDS = Set.of("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties");

    private JsonNode mergeObjects(JsonNode a, JsonNode b, String pointer) {
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
                    JsonNode mine = out.get(f.getKey());
                    JsonNode theirs = f.getValue();
                    if (mine != null && !mine.equals(theirs) && !ANNOTATIONS.contains(f.getKey())) {
                        // Both parts apply: of two bounds the tighter one is the one that holds.
                        if (mine.isNumber() && theirs.isNumber() && LOWER_BOUNDS.contains(f.getKey())) {
                            theirs = mine.decimalValue().compareTo(theirs.decimalValue()) >= 0 ? mine : theirs;
                        } else if (mine.isNumber() && theirs.isNumber() && UPPER_BOUNDS.contains(f.getKey())) {
                            theirs = mine.decimalValue().compareTo(theirs.decimalValue()) <= 0 ? mine : theirs;
                        } else {
                            relax(pointer + "/" + f.getKey(), "allOf parts disagree on '" + f.getKey()
                                    + "'; the grammar follows the last part, validation checks them all");
                        }
                    }
                    out.set(f.getKey(), theirs);
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

    private record Member(String key, String value, boolean required) {
    }

    private String object(JsonNode s, String pointer, String name) {
        JsonNode ap = s.get("additionalProperties");
        boolean closed = ap != null && ap.isBoolean() && !ap.asBoolean();
        int minProps = s.path("minProperties").asInt(0);
        int maxProps = s.has("maxProperties") ? s.get("maxProperties").asInt() : -1;
        if (maxProps >= 0 && maxProps < minProps) {
            throw new InferenceException.UnsupportedSchema(pointer, "maxProperties " + maxProps + " is below minProperties " + minProps);
        }
        if (s.has("patternProperties")) {
            relax(pointer + "/patternProperties", "patternProperties cannot be enforced while generating; declare the properties, "
                    + "or give additionalProperties a schema for a map with free keys");
        }
        Set<String> required = new java.util.LinkedHashSet<>();
        s.path("required").forEach(r -> required.add(r.asText()));
        List<Member> members = new ArrayList<>();
        JsonNode props = s.path("properties");
        Iterator<Map.Entry<String, JsonNode>> it = props.fields();
        while (it.hasNext()) {
            var p = it.next();
            String at = pointer + "/properties/" + p.getKey();
            if (p.getValue().isBoolean() && !p.getValue().asBoolean()) {
                // A property with schema false must be absent.
                if (required.contains(p.getKey())) {
                    throw new InferenceException.UnsupportedSchema(at, "required property '" + p.getKey() + "' has the schema false, which no value satisfies");
                }
                continue;
            }
            members.add(member(p.getKey(), p.getValue(), at, name, required.contains(p.getKey())));
        }
        for (String r : required) {
            if (!props.has(r)) {
                // Required but not declared: any value additionalProperties allows.
                if (closed) {
                    throw new InferenceException.UnsupportedSchema(pointer + "/required", "required property '" + r
                            + "' is not declared in properties and additionalProperties is false, so no object satisfies the schema");
                }
                members.add(member(r, ap != null && ap.isObject() ? ap : BooleanNode.TRUE, pointer + "/additionalProperties", name, true));
            }
        }
        boolean countsMatter = minProps > 0 || maxProps >= 0;
        if (members.isEmpty()) {
            if (closed || (s.has("properties") && ap == null && !countsMatter && !s.has("propertyNames"))) {
                if (minProps > 0) {
                    throw new InferenceException.UnsupportedSchema(pointer, "minProperties " + minProps + " but no property is allowed");
                }
                return "\"{}\"";
            }
            if ((ap == null || ap.isBoolean()) && !countsMatter && !s.has("propertyNames")) {
                return "object";
            }
            return map(s, ap, minProps, maxProps, pointer, name);
        }
        if (s.has("propertyNames")) {
            relax(pointer + "/propertyNames", "propertyNames is not checked against declared properties while generating");
        }
        long requiredCount = members.stream().filter(Member::required).count();
        if (maxProps >= 0 && requiredCount > maxProps) {
            throw new InferenceException.UnsupportedSchema(pointer, requiredCount + " properties are required but maxProperties is " + maxProps);
        }
        if (minProps > members.size()) {
            if (closed) {
                throw new InferenceException.UnsupportedSchema(pointer, "minProperties " + minProps + " but only " + members.size() + " properties are allowed");
            }
            relax(pointer + "/minProperties", "minProperties " + minProps + " needs properties beyond the " + members.size()
                    + " declared ones, which are not generated; declare more properties or lower minProperties");
            minProps = members.size();
        }
        return "\"{\" " + members(members, Counts.of(minProps, maxProps, members), name) + " \"}\"";
    }

    private Member member(String key, JsonNode schema, String pointer, String name, boolean required) {
        String ruleName = name + "-" + key.replaceAll("[^A-Za-z0-9]+", "-").toLowerCase();
        String value = ruleFor(ruleName, visit(schema, pointer, ruleName));
        return new Member(literal(JSON.getNodeFactory().textNode(key)) + " \":\"", value, required);
    }

    /** An object with free keys: propertyNames shapes the keys, additionalProperties the values. */
    private String map(JsonNode s, JsonNode ap, int minProps, int maxProps, String pointer, String name) {
        if (maxProps == 0) {
            return "\"{}\"";
        }
        String key = "string";
        if (s.has("propertyNames") && s.get("propertyNames").isObject()) {
            var keySchema = (com.fasterxml.jackson.databind.node.ObjectNode) s.get("propertyNames").deepCopy();
            keySchema.put("type", "string"); // property names are strings whatever the schema says
            key = ruleFor(name + "-key", visit(keySchema, pointer + "/propertyNames", name + "-key"));
        }
        String value = ap != null && ap.isObject() ? ruleFor(name + "-value", visit(ap, pointer + "/additionalProperties", name + "-value")) : "value";
        String entry = ruleFor(name + "-entry", key + " \":\" " + value);
        String nonEmpty = (entry + " " + repeat("\",\" " + entry, Math.max(0, minProps - 1), maxProps < 0 ? -1 : maxProps - 1)).strip();
        return minProps == 0 ? "\"{\" ( " + nonEmpty + " )? \"}\"" : "\"{\" " + nonEmpty + " \"}\"";
    }

    /**
     * How many members an object may have; counts are tracked only up to {@code cap} (one past the
     * largest count that matters), so without minProperties/maxProperties a state is just "first or not".
     *
     * @param requiredFrom the number of required members from each index on (one more entry than members)
     */
    private record Counts(int min, int max, int[] requiredFrom) {
        static Counts of(int min, int max, List<Member> members) {
            int[] requiredFrom = new int[members.size() + 1];
            for (int i = members.size() - 1; i >= 0; i--) {
                requiredFrom[i] = requiredFrom[i + 1] + (members.get(i).required() ? 1 : 0);
            }
            return new Counts(min, max, requiredFrom);
        }

        int cap() {
            return max >= 0 ? max + 1 : Math.max(min, 1);
        }

        /** Whether, after {@code k} members, the members from index {@code i} on can still make a valid count. */
        boolean feasible(int i, int k) {
            int remaining = requiredFrom.length - 1 - i;
            return (max < 0 || k + requiredFrom[i] <= max) && k + remaining >= min;
        }
    }

    /**
     * The members in order, optional ones possibly left out, as a chain of rules: one per member and
     * count state. Built from the last member back to the first, without recursion, so that an object
     * with thousands of properties costs time linear in their number and no stack.
     */
    private String members(List<Member> all, Counts counts, String name) {
        int n = all.size();
        int cap = counts.cap();
        boolean[][] reachable = new boolean[n + 1][cap + 1];
        reachable[0][0] = true;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k <= cap; k++) {
                if (reachable[i][k]) {
                    if (counts.feasible(i + 1, k + 1)) {
                        reachable[i + 1][Math.min(k + 1, cap)] = true;
                    }
                    if (!all.get(i).required() && counts.feasible(i + 1, k)) {
                        reachable[i + 1][k] = true;
                    }
                }
            }
        }
        String[] next = new String[cap + 1];
        java.util.Arrays.fill(next, "");
        for (int i = n - 1; i >= 0; i--) {
            String[] here = new String[cap + 1];
            Member m = all.get(i);
            for (int k = 0; k <= cap; k++) {
                if (!reachable[i][k]) {
                    continue;
                }
                String self = (k == 0 ? "" : "\",\" ") + m.key() + " " + m.value();
                String withSelf = counts.feasible(i + 1, k + 1) ? (self + " " + next[Math.min(k + 1, cap)]).strip() : null;
                String without = !m.required() && counts.feasible(i + 1, k) ? next[k] : null;
                if (without == null) {
                    here[k] = withSelf; // a reachable state has at least one feasible way on
                } else if (withSelf == null) {
                    here[k] = without;
                } else {
                    String suffix = counts.min() > 0 || counts.max() >= 0 ? "-" + k : (k == 0 ? "-first" : "");
                    here[k] = ruleFor(name + "-m" + i + suffix, without.isEmpty() ? "(" + withSelf + ")?" : "(" + withSelf + ") | (" + without + ")");
                }
            }
            next = here;
        }
        return n == 0 ? "" : next[0];
    }

    private String array(JsonNode s, String pointer, String name) {
        int min = s.path("minItems").asInt(0);
        int max = s.has("maxItems") ? s.get("maxItems").asInt() : -1;
        if (max >= 0 && max < min) {
            throw new InferenceException.UnsupportedSchema(pointer, "maxItems " + max + " is below minItems " + min);
        }
        // Tuples: prefixItems (2020-12) or an array under items (earlier drafts); the rest follows items / additionalItems.
        boolean modern = s.has("prefixItems");
        JsonNode prefix = modern ? s.get("prefixItems") : s.path("items").isArray() ? s.get("items") : null;
        JsonNode rest = prefix == null || modern ? s.get("items") : s.get("additionalItems");
        String restPointer = pointer + (prefix == null || modern ? "/items" : "/additionalItems");
        boolean restForbidden = rest != null && rest.isBoolean() && !rest.asBoolean();
        String item = rest == null || rest.isBoolean() ? "value" : ruleFor(name + "-item", visit(rest, restPointer, name + "-item"));
        int fixed = prefix == null ? 0 : max < 0 ? prefix.size() : Math.min(prefix.size(), max);
        if (fixed == 0) {
            if (restForbidden && min > 0) {
                throw new InferenceException.UnsupportedSchema(restPointer, "no items are allowed but minItems is " + min);
            }
            if (max == 0 || restForbidden) {
                return "\"[]\"";
            }
            String nonEmpty = (item + " " + repeat("\",\" " + item, Math.max(0, min - 1), max < 0 ? -1 : max - 1)).strip();
            return min == 0 ? "\"[\" ( " + nonEmpty + " )? \"]\"" : "\"[\" " + nonEmpty + " \"]\"";
        }
        // Every tuple position is generated (fewer would also be valid), then as many more items as allowed.
        StringBuilder body = new StringBuilder("\"[\"");
        for (int i = 0; i < fixed; i++) {
            String at = pointer + (modern ? "/prefixItems/" : "/items/") + i;
            body.append(i == 0 ? " " : " \",\" ").append(ruleFor(name + "-" + i, visit(prefix.get(i), at, name + "-" + i)));
        }
        int restMin = Math.max(0, min - fixed);
        if (restForbidden && restMin > 0) {
            throw new InferenceException.UnsupportedSchema(restPointer, "no items beyond the " + prefix.size()
                    + " tuple positions are allowed but minItems is " + min);
        }
        // With no schema for further items any would do; only what minItems asks for is generated.
        int restMax = restForbidden ? 0 : rest == null ? restMin : max < 0 ? -1 : max - fixed;
        body.append(' ').append(repeat("\",\" " + item, restMin, restMax));
        return body.toString().strip() + " \"]\"";
    }

    /** An expression repeated min to max times (max -1: no limit); empty when it may not occur. */
    private static String repeat(String expr, int min, int max) {
        if (max == 0) {
            return "";
        }
        String quantifier = min == 0 && max < 0 ? "*" : min == 1 && max < 0 ? "+" : min == 0 && max == 1 ? "?"
                : min == max ? "{" + min + "}" : "{" + min + "," + (max < 0 ? "" : max) + "}";
        return "( " + expr + " )" + quantifier;
    }

    private String string(JsonNode s, String pointer) {
        if (s.has("pattern")) {
            String pattern = s.get("pattern").asText();
            try {
                String body = RegexGrammar.toGbnf(pattern);
                if (s.has("minLength") || s.has("maxLength")) {
                    relax(pointer + (s.has("minLength") ? "/minLength" : "/maxLength"), "the length of a string that has a pattern is "
                            + "not enforced while generating; express the length in the pattern, e.g. {3,20}");
                }
                return "\"\\\"\" " + body + " \"\\\"\"";
            } catch (RegexGrammar.Unsupported e) {
                relax(pointer + "/pattern", "the pattern /" + pattern + "/ uses " + e.getMessage() + ", which cannot be enforced while "
                        + "generating; patterns of literals, classes, \\d \\w \\s, quantifiers, groups, alternation and ^ $ anchors can");
            }
        }
        String format = s.path("format").asText("");
        String body = switch (format) {
            case "date" -> "[0-9]{4} \"-\" ( \"0\" [1-9] | \"1\" [0-2] ) \"-\" ( \"0\" [1-9] | [1-2] [0-9] | \"3\" [0-1] )";
            case "time" -> "( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] \":\" [0-5] [0-9] ( \".\" [0-9]{3} )? ( \"Z\" | [+-] ( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] )";
            case "date-time" -> "[0-9]{4} \"-\" ( \"0\" [1-9] | \"1\" [0-2] ) \"-\" ( \"0\" [1-9] | [1-2] [0-9] | \"3\" [0-1] ) \"T\" ( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] \":\" [0-5] [0-9] ( \".\" [0-9]{3} )? ( \"Z\" | [+-] ( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] )";
            case "uuid" -> "[0-9a-f]{8} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{12}";
            // A common shape of an address; the format itself is checked after generation.
            case "email" -> "[a-zA-Z0-9_%+-]{1,32} ( \".\" [a-zA-Z0-9_%+-]{1,32} ){0,3} \"@\" [a-zA-Z0-9]{1,32} ( \"-\" [a-zA-Z0-9]{1,32} )? "
                    + "( \".\" [a-zA-Z0-9]{1,32} ( \"-\" [a-zA-Z0-9]{1,32} )? ){0,3} \".\" [a-zA-Z]{2,6}";
            case "ipv4" -> String.join(" \".\" ", java.util.Collections.nCopies(4, IntegerRange.grammar(0L, 255L)));
            default -> null;
        };
        if (body != null) {
            if (s.has("minLength") || s.has("maxLength")) {
                relax(pointer + (s.has("minLength") ? "/minLength" : "/maxLength"), "the length of a string with format '" + format
                        + "' is not enforced while generating; the format fixes its shape");
            }
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

    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private String integer(JsonNode s, String pointer) {
        BigDecimal min = bound(s, "minimum", "exclusiveMinimum", true);
        BigDecimal max = bound(s, "maximum", "exclusiveMaximum", false);
        if (min == null && max == null) {
            return "integer";
        }
        if (min != null && max != null && min.compareTo(max) > 0) {
            throw new InferenceException.UnsupportedSchema(pointer, "the integer range is empty (" + min + " > " + max + ")");
        }
        if ((min != null && min.compareTo(LONG_MAX) > 0) || (max != null && max.compareTo(LONG_MAX.negate()) < 0)) {
            relax(pointer, "integer bounds beyond ±" + Long.MAX_VALUE + " cannot be enforced while generating");
            return "integer";
        }
        // A bound beyond what a long holds is no bound within it.
        Long lo = min == null || min.compareTo(LONG_MAX.negate()) < 0 ? null : min.longValueExact();
        Long hi = max == null || max.compareTo(LONG_MAX) > 0 ? null : max.longValueExact();
        return IntegerRange.grammar(lo, hi);
    }

    /** The least (lower) or greatest (upper) integer the bounds allow, or {@code null} when there is none. */
    private static BigDecimal bound(JsonNode s, String inclusive, String exclusive, boolean lower) {
        RoundingMode inward = lower ? RoundingMode.CEILING : RoundingMode.FLOOR;
        BigDecimal b = null;
        if (s.path(inclusive).isNumber()) {
            BigDecimal v = s.get(inclusive).decimalValue();
            boolean draft4Exclusive = s.path(exclusive).asBoolean(false) && s.get(exclusive).isBoolean();
            b = draft4Exclusive ? strictlyInside(v, lower) : v.setScale(0, inward);
        }
        if (s.path(exclusive).isNumber()) {
            BigDecimal e = strictlyInside(s.get(exclusive).decimalValue(), lower);
            b = b == null ? e : lower ? b.max(e) : b.min(e);
        }
        return b;
    }

    private static BigDecimal strictlyInside(BigDecimal v, boolean lower) {
        return lower ? v.setScale(0, RoundingMode.FLOOR).add(BigDecimal.ONE) : v.setScale(0, RoundingMode.CEILING).subtract(BigDecimal.ONE);
    }

    /**
     * Bounded numbers are written without exponent. Negative and non-negative values are separate
     * branches, each an integer part held to the bounds and an optional fraction. A whole-number bound
     * is exact: below an inclusive maximum of 90 the integer part runs to 89 with any fraction, and 90
     * itself has none. A fractional bound (0.5) holds only the integer part, and validation after
     * generation checks the rest.
     */
    private String number(JsonNode s, String pointer) {
        Bound lo = numberBound(s, "minimum", "exclusiveMinimum", true);
        Bound hi = numberBound(s, "maximum", "exclusiveMaximum", false);
        if (lo == null && hi == null) {
            return "number";
        }
        if (lo != null && hi != null && (lo.value().compareTo(hi.value()) > 0
                || (lo.value().compareTo(hi.value()) == 0 && (lo.exclusive() || hi.exclusive())))) {
            throw new InferenceException.UnsupportedSchema(pointer, "the number range is empty (" + lo.value() + " to " + hi.value() + ")");
        }
        boolean[] exact = {true};
        List<String> alts = new ArrayList<>();
        if (hi == null || hi.value().signum() > 0 || (hi.value().signum() == 0 && !hi.exclusive())) {
            Bound from = lo == null || lo.value().signum() < 0 ? new Bound(BigDecimal.ZERO, false) : lo;
            String m = magnitude(from, hi, exact);
            if (m != null) {
                alts.add(m);
            }
        }
        if (lo == null || lo.value().signum() < 0) {
            // A negative value is "-" and a magnitude from |hi| (or 0) to |lo|.
            Bound from = hi == null || hi.value().signum() > 0 ? new Bound(BigDecimal.ZERO, false) : new Bound(hi.value().negate(), hi.exclusive());
            String m = magnitude(from, lo == null ? null : new Bound(lo.value().negate(), lo.exclusive()), exact);
            if (m != null) {
                alts.add("\"-\" " + m);
            }
        }
        if (!exact[0]) {
            List<String> keys = List.of("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum");
            String key = keys.stream().filter(k -> s.path(k).isNumber() && !new Bound(s.get(k).decimalValue(), false).whole()).findFirst()
                    .orElseGet(() -> keys.stream().filter(s::has).findFirst().orElseThrow());
            relax(pointer + "/" + key, "a number bound that is not a whole number is enforced only in sign and integer part while "
                    + "generating; use a whole-number bound, or an integer (e.g. cents) for exact bounds");
        }
        if (alts.isEmpty()) {
            throw new InferenceException.UnsupportedSchema(pointer, "no number lies within the bounds");
        }
        return alts.size() == 1 ? alts.getFirst() : "(" + String.join(" | ", alts) + ")";
    }

    private record Bound(BigDecimal value, boolean exclusive) {
        boolean whole() {
            return value.signum() == 0 || value.stripTrailingZeros().scale() <= 0;
        }
    }

    /** Non-negative numbers from one bound to the other (the upper may be open), or null when none. */
    private static String magnitude(Bound from, Bound to, boolean[] exact) {
        String fraction = " ( \".\" [0-9]{1,15} )?";
        if (!from.whole() || (to != null && !to.whole())) {
            exact[0] = false; // the integer part of a fractional bound, with some fraction, may fall outside it
        }
        long lo = clamp(from.value().setScale(0, RoundingMode.FLOOR));
        boolean strictLo = from.exclusive() && from.whole();
        Long hi = to == null ? null : clamp(to.value().setScale(0, RoundingMode.FLOOR));
        // Integer parts strictly inside the bounds take any fraction.
        long anyLo = strictLo ? lo + 1 : lo;
        Long anyHi = to == null ? null : to.whole() ? hi - 1 : hi;
        List<String> alts = new ArrayList<>();
        if (anyHi == null || anyLo <= anyHi) {
            alts.add(IntegerRange.grammar(anyLo, anyHi) + fraction);
        }
        // Above an exclusive lower bound, its own integer part needs a fraction that is not zero.
        if (strictLo && (hi == null || lo <= (to.whole() ? hi - 1 : hi))) {
            alts.add("\"" + lo + "\" \".\" \"0\"{0,13} [1-9] [0-9]{0,13}");
        }
        // An inclusive whole upper bound is reached exactly, without a fraction.
        if (to != null && to.whole() && !to.exclusive() && hi >= lo && !(strictLo && hi == lo)) {
            alts.add("\"" + hi + "\"");
        }
        return alts.isEmpty() ? null : alts.size() == 1 ? alts.getFirst() : "(" + String.join(" | ", alts) + ")";
    }

    /** The tighter of a number's inclusive and exclusive bound on one side (draft-04 booleans too). */
    private static Bound numberBound(JsonNode s, String inclusive, String exclusive, boolean lower) {
        Bound b = null;
        if (s.path(inclusive).isNumber()) {
            b = new Bound(s.get(inclusive).decimalValue(), s.path(exclusive).isBoolean() && s.get(exclusive).asBoolean());
        }
        if (s.path(exclusive).isNumber()) {
            Bound e = new Bound(s.get(exclusive).decimalValue(), true);
            int c = b == null ? 0 : e.value().compareTo(b.value());
            b = b == null || (lower ? c >= 0 : c <= 0) ? e : b;
        }
        return b;
    }

    private static long clamp(BigDecimal v) {
        return v.max(LONG_MAX.negate()).min(LONG_MAX).longValueExact();
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
