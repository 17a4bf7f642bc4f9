package dev.cascade4j.inference.internal.grammar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.grammar.Gbnf;
import dev.cascade4j.inference.grammar.JsonSchemaGrammar;
import java.util.List;

/**
 * The schema compiler's entry points: whole grammars and relaxations for {@link JsonSchemaGrammar}, and
 * the rules a larger grammar (the tool-call grammar) builds from, one schema at a time.
 */
public final class GrammarRules {
    private static final ObjectMapper JSON = new ObjectMapper();

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

    private GrammarRules() {
    }

    /** The whole grammar for a schema, from the rule {@code root}; strict refuses the first relaxation. */
    public static Gbnf grammar(JsonNode schema, boolean strict) {
        SchemaCompiler g = new SchemaCompiler(schema, strict);
        String body = g.visit(schema, "", "root");
        g.rules.put("root", body);
        return new Gbnf(g.render() + PRIMITIVES, "root");
    }

    /** The keywords of a schema its grammar relaxes, in schema order. */
    public static List<JsonSchemaGrammar.Relaxation> relaxations(JsonNode schema) {
        SchemaCompiler g = new SchemaCompiler(schema, false);
        g.visit(schema, "", "root");
        return List.copyOf(g.relaxations);
    }

    /** Adds the rules for one schema under a name prefix; returns the rule that matches a value of this schema. */
    public static String appendRules(JsonNode schema, String prefix, StringBuilder grammar) {
        SchemaCompiler g = new SchemaCompiler(schema, false);
        String body = g.visit(schema, "", prefix);
        g.rules.put(prefix, body);
        grammar.append(g.render());
        return prefix;
    }

    /** The rules every grammar may use: value, object, array, string, char, number, integer, boolean, null. */
    public static String primitives() {
        return PRIMITIVES;
    }

    /** A GBNF literal matching exactly the compact JSON text of a value. */
    public static String literal(JsonNode value) {
        String json;
        try {
            json = JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
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
