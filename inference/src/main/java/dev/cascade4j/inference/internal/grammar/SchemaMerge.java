package dev.cascade4j.inference.internal.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** Folds the parts of an allOf, and the keywords beside an anyOf/oneOf, into one schema the grammar can follow. */
final class SchemaMerge {
    private static final Set<String> ANNOTATIONS = Set.of("description", "title", "examples", "default", "$schema", "$id",
            "$comment", "deprecated", "readOnly", "writeOnly", "$defs", "definitions", "strict", "additionalProperties", "format");
    private static final Set<String> LOWER_BOUNDS = Set.of("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties");
    private static final Set<String> UPPER_BOUNDS = Set.of("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties");

    private final SchemaCompiler compiler;

    SchemaMerge(SchemaCompiler compiler) {
        this.compiler = compiler;
    }

    /** One alternative of an anyOf/oneOf with the keywords of its parent applied. */
    JsonNode merged(JsonNode parent, JsonNode alt, String key) {
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

    /** Both schemas as one: properties and required lists joined, the tighter of two bounds kept, else the second wins. */
    JsonNode mergeObjects(JsonNode a, JsonNode b, String pointer) {
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
                            compiler.relax(pointer + "/" + f.getKey(), "allOf parts disagree on '" + f.getKey()
                                    + "'; the grammar follows the last part, validation checks them all");
                        }
                    }
                    out.set(f.getKey(), theirs);
                }
            }
        }
        return out;
    }
}
