package dev.cascade4j.inference.internal.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cascade4j.inference.InferenceException;

/** Compiles the array keywords: items, tuples (prefixItems, or items as a list with additionalItems), item counts. */
final class ArrayRules {
    private final SchemaCompiler compiler;

    ArrayRules(SchemaCompiler compiler) {
        this.compiler = compiler;
    }

    String array(JsonNode s, String pointer, String name) {
        int min = SchemaCompiler.count(s, "minItems", pointer, 0);
        int max = SchemaCompiler.count(s, "maxItems", pointer, -1);
        if (max >= 0 && max < min) {
            throw new InferenceException.UnsupportedSchema(pointer, "maxItems " + max + " is below minItems " + min);
        }
        max = compiler.repetitionBound(min, max, pointer, "minItems", "maxItems");
        // Tuples: prefixItems (2020-12) or an array under items (earlier drafts); the rest follows items / additionalItems.
        boolean modern = s.has("prefixItems");
        JsonNode prefix = modern ? s.get("prefixItems") : s.path("items").isArray() ? s.get("items") : null;
        JsonNode rest = prefix == null || modern ? s.get("items") : s.get("additionalItems");
        String restPointer = pointer + (prefix == null || modern ? "/items" : "/additionalItems");
        boolean restForbidden = rest != null && rest.isBoolean() && !rest.asBoolean();
        String item = rest == null || rest.isBoolean() ? "value" : compiler.ruleFor(name + "-item", compiler.visit(rest, restPointer, name + "-item"));
        int fixed = prefix == null ? 0 : max < 0 ? prefix.size() : Math.min(prefix.size(), max);
        if (fixed == 0) {
            if (restForbidden && min > 0) {
                throw new InferenceException.UnsupportedSchema(restPointer, "no items are allowed but minItems is " + min);
            }
            if (max == 0 || restForbidden) {
                return "\"[]\"";
            }
            String nonEmpty = (item + " " + SchemaCompiler.repeat("\",\" " + item, Math.max(0, min - 1), max < 0 ? -1 : max - 1)).strip();
            return min == 0 ? "\"[\" ( " + nonEmpty + " )? \"]\"" : "\"[\" " + nonEmpty + " \"]\"";
        }
        // Every tuple position is generated (fewer would also be valid), then as many more items as allowed.
        StringBuilder body = new StringBuilder("\"[\"");
        for (int i = 0; i < fixed; i++) {
            String at = pointer + (modern ? "/prefixItems/" : "/items/") + i;
            body.append(i == 0 ? " " : " \",\" ").append(compiler.ruleFor(name + "-" + i, compiler.visit(prefix.get(i), at, name + "-" + i)));
        }
        int restMin = Math.max(0, min - fixed);
        if (restForbidden && restMin > 0) {
            throw new InferenceException.UnsupportedSchema(restPointer, "no items beyond the " + prefix.size()
                    + " tuple positions are allowed but minItems is " + min);
        }
        // With no schema for further items any would do; only what minItems asks for is generated.
        int restMax = restForbidden ? 0 : rest == null ? restMin : max < 0 ? -1 : max - fixed;
        body.append(' ').append(SchemaCompiler.repeat("\",\" " + item, restMin, restMax));
        return body.toString().strip() + " \"]\"";
    }
}
