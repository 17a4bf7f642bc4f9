package dev.cascade4j.inference.internal.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonReferenceSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns langchain4j's {@link JsonSchemaElement} tree into a plain JSON schema, the form the engine's
 * grammar converter reads. Property order is kept (the grammar emits keys in schema order), and
 * definitions found anywhere are gathered under the root's {@code $defs}, because langchain4j's
 * references name a definition and are resolved as {@code #/$defs/<name>}.
 */
public final class JsonSchemaElementConverter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, JsonNode> definitions = new LinkedHashMap<>();
    private final boolean requireAll;

    private JsonSchemaElementConverter(boolean requireAll) {
        this.requireAll = requireAll;
    }

    /** The JSON schema equivalent of {@code root}, {@code required} lists as given. */
    public static ObjectNode toJsonSchema(JsonSchemaElement root) {
        return convert(root, false);
    }

    /**
     * The schema of an answer (a response format): every object that lists no required property
     * requires them all, as OpenAI's strict mode does. langchain4j lists none for a record or POJO
     * unless its fields carry {@code @JsonProperty(required = true)}, and a grammar that allows
     * {@code {}} lets a small model answer with nothing. An object that lists some keeps its list, so
     * marking the fields that must be there with {@code @JsonProperty(required = true)} makes the
     * others optional. Raw schemas are taken as they are.
     */
    public static ObjectNode toResponseSchema(JsonSchemaElement root) {
        return convert(root, true);
    }

    private static ObjectNode convert(JsonSchemaElement root, boolean requireAll) {
        JsonSchemaElementConverter converter = new JsonSchemaElementConverter(requireAll);
        ObjectNode schema = converter.convert(root);
        if (!converter.definitions.isEmpty()) {
            converter.definitions.forEach(schema.putObject("$defs")::set);
        }
        return schema;
    }

    private ObjectNode convert(JsonSchemaElement element) {
        ObjectNode node = switch (element) {
            case JsonObjectSchema o -> object(o);
            case JsonStringSchema s -> typed("string");
            case JsonIntegerSchema i -> typed("integer");
            case JsonNumberSchema n -> typed("number");
            case JsonBooleanSchema b -> typed("boolean");
            case JsonNullSchema n -> typed("null");
            case JsonEnumSchema e -> enumeration(e);
            case JsonArraySchema a -> array(a);
            case JsonAnyOfSchema a -> anyOf(a);
            case JsonReferenceSchema r -> JSON.createObjectNode().put("$ref", "#/$defs/" + r.reference());
            case JsonRawSchema r -> raw(r);
            default -> throw new InvalidRequestException("JSON schema element " + element.getClass().getName()
                    + " is not supported; describe it with the elements of dev.langchain4j.model.chat.request.json");
        };
        if (element.description() != null && !node.has("description")) {
            node.put("description", element.description());
        }
        return node;
    }

    private static ObjectNode typed(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    private ObjectNode object(JsonObjectSchema o) {
        ObjectNode node = typed("object");
        ObjectNode properties = node.putObject("properties");
        if (o.properties() != null) {
            o.properties().forEach((name, value) -> properties.set(name, convert(value)));
        }
        if (o.required() != null && !o.required().isEmpty()) {
            ArrayNode required = node.putArray("required");
            o.required().forEach(required::add);
        } else if (requireAll && !properties.isEmpty()) {
            ArrayNode required = node.putArray("required");
            properties.fieldNames().forEachRemaining(required::add);
        }
        if (o.additionalProperties() != null) {
            node.put("additionalProperties", o.additionalProperties());
        }
        if (o.definitions() != null) {
            o.definitions().forEach((name, value) -> definitions.put(name, convert(value)));
        }
        return node;
    }

    private static ObjectNode enumeration(JsonEnumSchema e) {
        ObjectNode node = typed("string");
        ArrayNode values = node.putArray("enum");
        e.enumValues().forEach(values::add);
        return node;
    }

    private ObjectNode array(JsonArraySchema a) {
        ObjectNode node = typed("array");
        if (a.items() != null) {
            node.set("items", convert(a.items()));
        }
        return node;
    }

    private ObjectNode anyOf(JsonAnyOfSchema a) {
        ObjectNode node = JSON.createObjectNode();
        ArrayNode alternatives = node.putArray("anyOf");
        a.anyOf().forEach(alt -> alternatives.add(convert(alt)));
        return node;
    }

    private static ObjectNode raw(JsonRawSchema r) {
        try {
            JsonNode parsed = JSON.readTree(r.schema());
            if (parsed instanceof ObjectNode o) {
                return o;
            }
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("raw JSON schema is not valid JSON: " + e.getOriginalMessage(), e);
        }
        throw new InvalidRequestException("raw JSON schema must be a JSON object, got: " + r.schema());
    }
}
