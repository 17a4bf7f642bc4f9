package dev.cascade4j.router.internal.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.SchemaLocation;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaValidatorTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String refused(String schema) {
        return assertThrows(SchemaValidator.InvalidSchemaException.class, () -> SchemaValidator.compile(json(schema), true)).getMessage();
    }

    @Test
    void localReferencesResolve() {
        SchemaValidator v = SchemaValidator.compile(json("""
                {"type":"object","properties":{"a":{"$ref":"#/$defs/code"},"b":{"$ref":"#/definitions/n"},
                 "tree":{"$ref":"#/$defs/node"}},"required":["a"],
                 "$defs":{"code":{"type":"string","pattern":"^[A-Z]{3}$"},
                          "node":{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#/$defs/node"}}}}},
                 "definitions":{"n":{"type":"integer"}}}"""));
        assertEquals(List.of(), v.validate(json("{\"a\":\"ABC\",\"b\":3,\"tree\":{\"kids\":[{\"kids\":[]}]}}")));
        assertEquals(2, v.validate(json("{\"a\":\"abc\",\"b\":\"x\"}")).size());
    }

    @Test
    void noSchemaMakesTheValidatorFetchAUrl() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/", exchange -> {
            hits.incrementAndGet();
            byte[] body = "{\"type\":\"string\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        target.start();
        try {
            String base = "http://127.0.0.1:" + target.getAddress().getPort();
            for (String schema : List.of(
                    "{\"type\":\"object\",\"properties\":{\"s\":{\"$ref\":\"" + base + "/s.json\"}}}",
                    "{\"$ref\":\"" + base + "/s.json#/x\"}",
                    "{\"$defs\":{\"a\":{\"$dynamicRef\":\"" + base + "/d.json\"}}}",
                    "{\"$id\":\"" + base + "/root.json\",\"properties\":{\"s\":{\"$ref\":\"other.json\"}}}",
                    "{\"$id\":\"" + base + "/root.json\",\"properties\":{\"s\":{\"$ref\":\"#/$defs/missing\"}}}",
                    "{\"$schema\":\"" + base + "/meta.json\",\"type\":\"object\"}",
                    "{\"allOf\":[{\"$ref\":\"" + base + "/a.json\"}]}",
                    "{\"type\":\"object\",\"properties\":{\"enum\":{\"$ref\":\"" + base + "/e.json\"}}}",
                    "{\"$defs\":{\"default\":{\"$ref\":\"" + base + "/d.json\"}},\"$ref\":\"#/$defs/default\"}")) {
                assertThrows(SchemaValidator.InvalidSchemaException.class, () -> SchemaValidator.compile(json(schema)), schema);
            }
            // The factory itself, asked directly for addresses, loads none of them.
            for (String address : List.of(base + "/direct.json", "file:///etc/hostname", "classpath:dev/cascade4j/x.json")) {
                assertThrows(RuntimeException.class, () -> SchemaValidator.factory().getSchema(SchemaLocation.of(address)), address);
            }
            assertEquals(0, hits.get(), "requests the validator sent to the schema's URLs");
        } finally {
            target.stop(0);
        }
    }

    @Test
    void everyOutsideReferenceGetsTheSameAnswer(@TempDir Path dir) throws Exception {
        Path existing = Files.writeString(dir.resolve("s.json"), "{\"type\":\"string\"}");
        String template = "{\"type\":\"object\",\"properties\":{\"s\":{\"$ref\":\"%s\"}}}";
        List<String> targets = List.of(existing.toUri().toString(), existing.toString(), dir.resolve("missing.json").toUri().toString(),
                "/etc/hostname", "file:///etc/passwd", "/dev/urandom", "http://127.0.0.1:9/x.json", "https://example.com/s.json",
                "s.json", "classpath:draft/2020-12/schema");
        String first = refused(template.formatted(targets.getFirst()));
        for (String target : targets) {
            assertEquals(first, refused(template.formatted(target)), target);
        }
        assertTrue(first.contains("/properties/s/$ref") && first.contains(SchemaValidator.NON_LOCAL_REFERENCE), first);
    }

    @Test
    void problemsAreSaidInTheSchemasTerms() {
        String pattern = refused("{\"type\":\"string\",\"pattern\":\"[a-\"}");
        assertTrue(pattern.contains("/pattern") && !pattern.contains("java.") && !pattern.contains("Exception"), pattern);
        String keys = refused("{\"type\":\"object\",\"patternProperties\":{\"(\":{}}}");
        assertTrue(keys.contains("/patternProperties"), keys);
        assertTrue(refused("{\"type\":12}").startsWith("not a valid JSON schema"));
        String dangling = refused("{\"type\":\"object\",\"properties\":{\"s\":{\"$ref\":\"#/$defs/none\"}}}");
        assertTrue(dangling.contains("/properties/s/$ref points at nothing"), dangling);
        // An enum value that looks like a reference is data, not a reference.
        SchemaValidator.compile(json("{\"enum\":[{\"$ref\":\"http://x/\"}]}"));
        // A property named like a keyword is a property.
        SchemaValidator.compile(json("{\"type\":\"object\",\"properties\":{\"$ref\":{\"type\":\"string\"},\"pattern\":{\"type\":\"string\"}}}"));
    }

    @Test
    void deepSchemasFailCleanly() {
        String deep = "{\"items\":".repeat(400) + "{}" + "}".repeat(400);
        try {
            SchemaValidator.compile(json(deep));
        } catch (SchemaValidator.InvalidSchemaException e) {
            assertTrue(!e.getMessage().contains("Exception"), e.getMessage());
        }
    }
}
