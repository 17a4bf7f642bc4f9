package dev.cascade4j.inference.grammar;

import com.fasterxml.jackson.databind.JsonNode;

public final class JsonSchemaGrammar {
    public static Gbnf convert(JsonNode schema) {
        throw new UnsupportedOperationException();
    }
}
