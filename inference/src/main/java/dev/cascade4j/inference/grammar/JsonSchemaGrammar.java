package dev.cascade4j.inference.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.internal.grammar.GrammarRules;
import java.util.List;

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
    /**
     * A keyword the grammar does not enforce exactly; answers are validated against it after generation.
     *
     * @param pointer JSON pointer of the keyword in the schema
     * @param reason  what cannot be enforced, and how to make it enforceable
     */
    public record Relaxation(String pointer, String reason) {
    }

    private JsonSchemaGrammar() {
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
        return GrammarRules.grammar(schema, strict);
    }

    /** The keywords of a schema that its grammar relaxes, in schema order; empty when it enforces them all. */
    public static List<Relaxation> relaxations(JsonNode schema) {
        return GrammarRules.relaxations(schema);
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
}
