package dev.cascade4j.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.List;
import java.util.Set;

/**
 * A JSON schema compiled once (draft 2020-12 unless the schema's {@code $schema} says otherwise) and
 * validated against many times. Compiling checks the schema itself against the meta-schema, so a
 * schema with a wrong keyword type fails here, with the message, rather than at the first call.
 */
public final class SchemaValidator {
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final JsonSchema META = FACTORY.getSchema(
            com.networknt.schema.SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    private final JsonSchema schema;

    private SchemaValidator(JsonSchema schema) {
        this.schema = schema;
    }

    /**
     * Compiles a schema.
     *
     * @throws InvalidSchemaException when it is not a valid JSON schema
     */
    public static SchemaValidator compile(JsonNode schemaNode) {
        if (schemaNode == null || !schemaNode.isObject()) {
            throw new InvalidSchemaException("a JSON schema must be a JSON object, got: " + schemaNode);
        }
        Set<ValidationMessage> problems = META.validate(schemaNode);
        if (!problems.isEmpty()) {
            throw new InvalidSchemaException("not a valid JSON schema: " + messages(problems));
        }
        try {
            JsonSchema compiled = FACTORY.getSchema(schemaNode);
            compiled.initializeValidators();
            return new SchemaValidator(compiled);
        } catch (JsonSchemaException | IllegalArgumentException e) {
            throw new InvalidSchemaException("JSON schema does not compile: " + e.getMessage());
        }
    }

    /** Validation messages, each naming the JSON path of the offending value; empty when valid. */
    public List<String> validate(JsonNode instance) {
        return messages(schema.validate(instance));
    }

    private static List<String> messages(Set<ValidationMessage> set) {
        return set.stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    /** A schema that is not a valid JSON schema. */
    public static final class InvalidSchemaException extends IllegalArgumentException {
        public InvalidSchemaException(String message) {
            super(message);
        }
    }
}
