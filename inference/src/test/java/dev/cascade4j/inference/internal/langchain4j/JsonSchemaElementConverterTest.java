package dev.cascade4j.inference.internal.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonSchemaElementConverterTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void convertsEveryElementKeepingOrderDescriptionsAndRequired() throws Exception {
        JsonObjectSchema schema = JsonObjectSchema.builder()
                .description("a person")
                .addProperty("name", JsonStringSchema.builder().description("full name").build())
                .addProperty("age", new JsonIntegerSchema())
                .addProperty("height", new JsonNumberSchema())
                .addProperty("active", new JsonBooleanSchema())
                .addProperty("role", JsonEnumSchema.builder().enumValues("admin", "user").build())
                .addProperty("tags", JsonArraySchema.builder().items(new JsonStringSchema()).build())
                .addProperty("nickname", JsonAnyOfSchema.builder().anyOf(new JsonStringSchema(), new JsonNullSchema()).build())
                .required("name", "age")
                .additionalProperties(false)
                .build();
        String expected = """
                {"type":"object","properties":{
                  "name":{"type":"string","description":"full name"},
                  "age":{"type":"integer"},
                  "height":{"type":"number"},
                  "active":{"type":"boolean"},
                  "role":{"type":"string","enum":["admin","user"]},
                  "tags":{"type":"array","items":{"type":"string"}},
                  "nickname":{"anyOf":[{"type":"string"},{"type":"null"}]}},
                 "required":["name","age"],"additionalProperties":false,"description":"a person"}""";
        var actual = JsonSchemaElementConverter.toJsonSchema(schema);
        assertEquals(JSON.readTree(expected), actual);
        assertEquals(List.of("name", "age", "height", "active", "role", "tags", "nickname"),
                names(actual.get("properties").fieldNames()), "property order decides key order in the grammar");
    }

    @Test
    void gathersDefinitionsAtTheRootAndPointsReferencesThere() throws Exception {
        JsonObjectSchema node = JsonObjectSchema.builder()
                .addProperty("value", new JsonIntegerSchema())
                .addProperty("next", JsonReferenceSchema.builder().reference("Node").build())
                .build();
        JsonObjectSchema root = JsonObjectSchema.builder()
                .addProperty("head", JsonReferenceSchema.builder().reference("Node").build())
                .definitions(java.util.Map.of("Node", node))
                .build();
        var actual = JsonSchemaElementConverter.toJsonSchema(root);
        assertEquals("#/$defs/Node", actual.at("/properties/head/$ref").asText());
        assertEquals("#/$defs/Node", actual.at("/$defs/Node/properties/next/$ref").asText());
        assertEquals("integer", actual.at("/$defs/Node/properties/value/type").asText());
    }

    @Test
    void rawSchemaIsParsedAndRejectedWhenNotAnObject() {
        assertEquals("string", JsonSchemaElementConverter.toJsonSchema(JsonRawSchema.from("{\"type\":\"string\"}")).get("type").asText());
        assertThrows(InvalidRequestException.class, () -> JsonSchemaElementConverter.toJsonSchema(JsonRawSchema.from("[1]")));
    }

    @Test
    void anAnswerSchemaRequiresEveryPropertyOfAnObjectThatListsNone() {
        JsonObjectSchema address = JsonObjectSchema.builder().addStringProperty("street").addStringProperty("city").build();
        JsonObjectSchema contact = JsonObjectSchema.builder()
                .addStringProperty("name")
                .addProperty("address", address)
                .addProperty("tags", JsonArraySchema.builder().items(JsonObjectSchema.builder().addStringProperty("label").build()).build())
                .build();

        var answer = JsonSchemaElementConverter.toResponseSchema(contact);

        assertEquals("[\"name\",\"address\",\"tags\"]", answer.get("required").toString());
        assertEquals("[\"street\",\"city\"]", answer.at("/properties/address/required").toString());
        assertEquals("[\"label\"]", answer.at("/properties/tags/items/required").toString());
        // Tool parameters keep langchain4j's list: @P(required = false) means what it says there.
        assertTrue(JsonSchemaElementConverter.toJsonSchema(contact).path("required").isMissingNode());
    }

    @Test
    void anAnswerSchemaKeepsARequiredListThatWasGivenAndRawSchemasAsTheyAre() {
        JsonObjectSchema some = JsonObjectSchema.builder().addStringProperty("name").addStringProperty("nickname").required("name").build();
        assertEquals("[\"name\"]", JsonSchemaElementConverter.toResponseSchema(some).get("required").toString());

        JsonObjectSchema withRaw = JsonObjectSchema.builder().addStringProperty("name")
                .addProperty("extra", JsonRawSchema.from("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}")).build();
        var answer = JsonSchemaElementConverter.toResponseSchema(withRaw);
        assertEquals("[\"name\",\"extra\"]", answer.get("required").toString());
        assertTrue(answer.at("/properties/extra/required").isMissingNode(), answer.toString());
    }

    private static <T> List<T> names(java.util.Iterator<T> it) {
        List<T> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
