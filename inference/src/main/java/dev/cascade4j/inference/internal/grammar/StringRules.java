package dev.cascade4j.inference.internal.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cascade4j.inference.InferenceException;

/** Compiles the string keywords: pattern (through {@link RegexGrammar}), format, and length. */
final class StringRules {
    private final SchemaCompiler compiler;

    StringRules(SchemaCompiler compiler) {
        this.compiler = compiler;
    }

    String string(JsonNode s, String pointer) {
        if (s.has("pattern")) {
            String pattern = s.get("pattern").asText();
            try {
                String body = RegexGrammar.toGbnf(pattern);
                if (s.has("minLength") || s.has("maxLength")) {
                    compiler.relax(pointer + (s.has("minLength") ? "/minLength" : "/maxLength"), "the length of a string that has a pattern is "
                            + "not enforced while generating; express the length in the pattern, e.g. {3,20}");
                }
                return "\"\\\"\" " + body + " \"\\\"\"";
            } catch (RegexGrammar.Unsupported e) {
                compiler.relax(pointer + "/pattern", "the pattern /" + pattern + "/ uses " + e.getMessage() + ", which cannot be enforced while "
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
                compiler.relax(pointer + (s.has("minLength") ? "/minLength" : "/maxLength"), "the length of a string with format '" + format
                        + "' is not enforced while generating; the format fixes its shape");
            }
            return "\"\\\"\" " + body + " \"\\\"\"";
        }
        int min = SchemaCompiler.count(s, "minLength", pointer, 0);
        int max = SchemaCompiler.count(s, "maxLength", pointer, -1);
        if (max >= 0 && max < min) {
            throw new InferenceException.UnsupportedSchema(pointer, "maxLength " + max + " is below minLength " + min);
        }
        max = compiler.repetitionBound(min, max, pointer, "minLength", "maxLength");
        if (min == 0 && max < 0) {
            return "string";
        }
        String reps = max < 0 ? "{" + min + ",}" : "{" + min + "," + max + "}";
        return "\"\\\"\" char" + reps + " \"\\\"\"";
    }
}
