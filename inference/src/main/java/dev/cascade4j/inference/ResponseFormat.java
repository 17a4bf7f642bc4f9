package dev.cascade4j.inference;

import com.fasterxml.jackson.databind.JsonNode;

/** What shape the answer must have: free text, any JSON object, JSON valid against a schema, or a raw GBNF grammar. */
public sealed interface ResponseFormat {
    ResponseFormat TEXT = new Text();
    ResponseFormat JSON_OBJECT = new JsonObject();

    static ResponseFormat jsonSchema(JsonNode schema) {
        return new JsonSchema(schema);
    }

    static ResponseFormat grammar(String gbnf) {
        return new Grammar(gbnf, "root");
    }

    record Text() implements ResponseFormat {
    }

    record JsonObject() implements ResponseFormat {
    }

    record JsonSchema(JsonNode schema) implements ResponseFormat {
    }

    /** A GBNF grammar in llama.cpp's syntax, starting at rule {@code root}. */
    record Grammar(String gbnf, String root) implements ResponseFormat {
    }
}
