package dev.cascade4j.inference.internal.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cascade4j.inference.InferenceException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Compiles the object keywords: properties in schema order, required, additionalProperties, property counts, maps. */
final class ObjectRules {
    private final SchemaCompiler compiler;

    ObjectRules(SchemaCompiler compiler) {
        this.compiler = compiler;
    }

    private record Member(String key, String value, boolean required) {
    }

    String object(JsonNode s, String pointer, String name) {
        JsonNode ap = s.get("additionalProperties");
        boolean closed = ap != null && ap.isBoolean() && !ap.asBoolean();
        int minProps = SchemaCompiler.count(s, "minProperties", pointer, 0);
        int maxProps = SchemaCompiler.count(s, "maxProperties", pointer, -1);
        if (maxProps >= 0 && maxProps < minProps) {
            throw new InferenceException.UnsupportedSchema(pointer, "maxProperties " + maxProps + " is below minProperties " + minProps);
        }
        if (s.has("patternProperties")) {
            compiler.relax(pointer + "/patternProperties", "patternProperties cannot be enforced while generating; declare the properties, "
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
            compiler.relax(pointer + "/propertyNames", "propertyNames is not checked against declared properties while generating");
        }
        long requiredCount = members.stream().filter(Member::required).count();
        if (maxProps >= 0 && requiredCount > maxProps) {
            throw new InferenceException.UnsupportedSchema(pointer, requiredCount + " properties are required but maxProperties is " + maxProps);
        }
        if (minProps > members.size()) {
            if (closed) {
                throw new InferenceException.UnsupportedSchema(pointer, "minProperties " + minProps + " but only " + members.size() + " properties are allowed");
            }
            compiler.relax(pointer + "/minProperties", "minProperties " + minProps + " needs properties beyond the " + members.size()
                    + " declared ones, which are not generated; declare more properties or lower minProperties");
            minProps = members.size();
        }
        return "\"{\" " + members(members, Counts.of(minProps, maxProps, members), name) + " \"}\"";
    }

    private Member member(String key, JsonNode schema, String pointer, String name, boolean required) {
        String ruleName = name + "-" + key.replaceAll("[^A-Za-z0-9]+", "-").toLowerCase();
        String value = compiler.ruleFor(ruleName, compiler.visit(schema, pointer, ruleName));
        return new Member(GrammarRules.literal(JsonNodeFactory.instance.textNode(key)) + " \":\"", value, required);
    }

    /** An object with free keys: propertyNames shapes the keys, additionalProperties the values. */
    private String map(JsonNode s, JsonNode ap, int minProps, int maxProps, String pointer, String name) {
        if (maxProps == 0) {
            return "\"{}\"";
        }
        maxProps = compiler.repetitionBound(minProps, maxProps, pointer, "minProperties", "maxProperties");
        String key = "string";
        if (s.has("propertyNames") && s.get("propertyNames").isObject()) {
            var keySchema = (com.fasterxml.jackson.databind.node.ObjectNode) s.get("propertyNames").deepCopy();
            keySchema.put("type", "string"); // property names are strings whatever the schema says
            key = compiler.ruleFor(name + "-key", compiler.visit(keySchema, pointer + "/propertyNames", name + "-key"));
        }
        String value = ap != null && ap.isObject()
                ? compiler.ruleFor(name + "-value", compiler.visit(ap, pointer + "/additionalProperties", name + "-value")) : "value";
        String entry = compiler.ruleFor(name + "-entry", key + " \":\" " + value);
        String nonEmpty = (entry + " " + SchemaCompiler.repeat("\",\" " + entry, Math.max(0, minProps - 1), maxProps < 0 ? -1 : maxProps - 1)).strip();
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
            // a maximum no count of these members reaches bounds nothing, and would only grow the states
            return new Counts(min, max > members.size() ? -1 : max, requiredFrom);
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
                    here[k] = compiler.ruleFor(name + "-m" + i + suffix, without.isEmpty() ? "(" + withSelf + ")?" : "(" + withSelf + ") | (" + without + ")");
                }
            }
            next = here;
        }
        return n == 0 ? "" : next[0];
    }
}
