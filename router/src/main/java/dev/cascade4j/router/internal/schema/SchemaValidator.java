package dev.cascade4j.router.internal.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.InputStreamSource;
import com.networknt.schema.resource.SchemaLoader;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A JSON schema compiled once (draft 2020-12 unless the schema's {@code $schema} names another draft)
 * and validated against many times. The one place schemas are compiled: request schemas, tool
 * parameters, route schemas from configuration and the judge's checks all come through here.
 *
 * <p>Schemas come from clients, so a schema may only refer to itself ({@code #/$defs/...},
 * {@code #/definitions/...}): nothing a schema says can make the server fetch a URL or open a file.
 * That is not a blocklist: the factory's only loader serves the JSON-schema meta-schemas bundled in
 * the validator's jar and refuses every other address. It answers every address (serves or refuses),
 * so the library's own URL and file loaders, which it would try after a loader that passes, are never
 * reached: there is no fetcher to trick. A reference anywhere else gets one message whatever it
 * points at, so the answer tells nothing about the server's network or files.
 *
 * <p>Compiling checks the schema itself against the meta-schema, so a schema with a wrong keyword type
 * fails here, with the message, rather than at the first call.
 */
public final class SchemaValidator {
    private static final System.Logger LOG = System.getLogger(SchemaValidator.class.getName());

    /** The answer to every reference outside the schema, whatever its target. */
    public static final String NON_LOCAL_REFERENCE = "must point inside the schema itself (#/$defs/... or #/definitions/...); "
            + "this server never loads schemas from URLs or files";

    // The meta-schemas the validator ships; its meta-schema mapper turns their https IRIs into these.
    private static final Pattern BUNDLED = Pattern.compile("classpath:(draft-0[467]/schema|draft/(2019-09|2020-12)/(schema|meta/[a-z-]+))");
    private static final Set<String> REFERENCES = Set.of("$ref", "$dynamicRef", "$recursiveRef");
    // Keywords whose values are data, not schemas: a "$ref" inside an enum value is just a string.
    private static final Set<String> DATA = Set.of("enum", "const", "default", "examples");
    // Keywords whose value maps names to schemas: their keys are names, not keywords.
    private static final Set<String> NAMED_SCHEMAS = Set.of("properties", "patternProperties", "$defs", "definitions",
            "dependentSchemas", "dependencies");

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            b -> b.schemaLoaders(loaders -> loaders.values(list -> {
                list.clear();
                list.add(new BundledMetaSchemasOnly());
            })));
    private static final SchemaValidatorsConfig ANNOTATE_FORMATS = SchemaValidatorsConfig.builder().build();
    private static final SchemaValidatorsConfig ASSERT_FORMATS = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    private static final JsonSchema META = FACTORY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    private final JsonSchema schema;

    /** The factory every schema is compiled with; for tests that prove it cannot load anything. */
    static JsonSchemaFactory factory() {
        return FACTORY;
    }

    private SchemaValidator(JsonSchema schema) {
        this.schema = schema;
    }

    /**
     * Compiles a schema; {@code format} is an annotation, as draft 2020-12 has it.
     *
     * @throws InvalidSchemaException when it is not a valid JSON schema, or refers outside itself
     */
    public static SchemaValidator compile(JsonNode schemaNode) {
        return compile(schemaNode, false);
    }

    /**
     * Compiles a schema.
     *
     * @param assertFormats check {@code format} ({@code email}, {@code date}, ...) instead of only noting it
     * @throws InvalidSchemaException when it is not a valid JSON schema, or refers outside itself
     */
    public static SchemaValidator compile(JsonNode schemaNode, boolean assertFormats) {
        if (schemaNode == null || !schemaNode.isObject()) {
            throw new InvalidSchemaException("a JSON schema must be a JSON object, got "
                    + (schemaNode == null ? "nothing" : schemaNode.getNodeType().name().toLowerCase()));
        }
        // With an $id inside, "#/..." is relative to that resource, not the document: the validator judges those.
        checkLocal(schemaNode.findValue("$id") == null ? schemaNode : null, schemaNode, "", false);
        Set<ValidationMessage> problems;
        JsonSchema compiled;
        try {
            problems = META.validate(schemaNode);
            compiled = problems.isEmpty() ? FACTORY.getSchema(schemaNode, assertFormats ? ASSERT_FORMATS : ANNOTATE_FORMATS) : null;
            if (compiled != null) {
                compiled.initializeValidators();
            }
        } catch (RuntimeException | StackOverflowError e) {
            throw notCompiled(e);
        }
        if (!problems.isEmpty()) {
            throw new InvalidSchemaException("not a valid JSON schema: " + messages(problems));
        }
        return new SchemaValidator(compiled);
    }

    private static InvalidSchemaException notCompiled(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NonLocalReference) {
                return new InvalidSchemaException("a reference " + NON_LOCAL_REFERENCE);
            }
        }
        if (e instanceof StackOverflowError) {
            return new InvalidSchemaException("the schema is nested too deeply to compile; flatten it with $defs");
        }
        // The validator's own text names its classes; the caller gets what to fix, the log the detail.
        LOG.log(System.Logger.Level.DEBUG, "schema does not compile", e);
        return new InvalidSchemaException("the schema does not compile: check its $ref targets, $schema and keyword values");
    }

    /** Validation messages, each naming the JSON path of the offending value; empty when valid. */
    public List<String> validate(JsonNode instance) {
        return messages(schema.validate(instance));
    }

    private static List<String> messages(Set<ValidationMessage> set) {
        return set.stream().map(ValidationMessage::getMessage).distinct().sorted().toList();
    }

    /**
     * Rejects references that leave the schema, pointers into it that lead nowhere (when {@code root} is
     * given) and regular expressions Java cannot compile, naming the place in the schema (never an
     * outside reference's target) so the client knows what to fix.
     */
    private static void checkLocal(JsonNode root, JsonNode node, String pointer, boolean names) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkLocal(root, node.get(i), pointer + "/" + i, false);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            String at = pointer + "/" + key.replace("~", "~0").replace("/", "~1");
            if (names) {
                // A property named "$ref" or "enum" is a name; its value is a schema like any other.
                checkLocal(root, value, at, false);
                continue;
            }
            if (REFERENCES.contains(key) && value.isTextual() && !value.asText().startsWith("#")) {
                throw new InvalidSchemaException(key + " at " + at + " " + NON_LOCAL_REFERENCE);
            }
            if (key.equals("$ref") && value.isTextual() && value.asText().startsWith("#/") && root != null
                    && !resolves(root, value.asText())) {
                throw new InvalidSchemaException("$ref at " + at + " points at nothing in the schema: '" + value.asText() + "'");
            }
            if (key.equals("$schema") && value.isTextual() && !isBundled(value.asText())) {
                throw new InvalidSchemaException("$schema at " + at + " names an unknown dialect; use "
                        + "https://json-schema.org/draft/2020-12/schema or leave $schema out");
            }
            if (key.equals("pattern") && value.isTextual()) {
                checkPattern(value.asText(), at);
            }
            if (key.equals("patternProperties") && value.isObject()) {
                value.fieldNames().forEachRemaining(p -> checkPattern(p, at));
            }
            if (!DATA.contains(key)) {
                checkLocal(root, value, at, NAMED_SCHEMAS.contains(key));
            }
        }
    }

    private static boolean resolves(JsonNode root, String ref) {
        try {
            String pointer = java.net.URLDecoder.decode(ref.substring(1).replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
            return !root.at(pointer).isMissingNode();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isBundled(String metaSchema) {
        String iri = metaSchema.endsWith("#") ? metaSchema.substring(0, metaSchema.length() - 1) : metaSchema;
        return Set.of("https://json-schema.org/draft/2020-12/schema", "https://json-schema.org/draft/2019-09/schema",
                "http://json-schema.org/draft-07/schema", "http://json-schema.org/draft-06/schema",
                "http://json-schema.org/draft-04/schema").contains(iri);
    }

    private static void checkPattern(String regex, String at) {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new InvalidSchemaException("the regular expression at " + at + " does not compile: "
                    + e.getDescription() + " near position " + e.getIndex());
        } catch (StackOverflowError e) {
            throw new InvalidSchemaException("the regular expression at " + at + " is too deeply nested");
        }
    }

    /** A schema that is not a valid JSON schema, or one that refers outside itself. */
    public static final class InvalidSchemaException extends IllegalArgumentException {
        public InvalidSchemaException(String message) {
            super(message);
        }
    }

    /** Thrown by the only loader for any address but a bundled meta-schema. */
    private static final class NonLocalReference extends RuntimeException {
        NonLocalReference() {
            super("schema loading is disabled", null, false, false);
        }
    }

    /** Serves the meta-schemas in the validator's jar and refuses everything else: there is no other fetcher. */
    private static final class BundledMetaSchemasOnly implements SchemaLoader {
        @Override
        public InputStreamSource getSchema(AbsoluteIri iri) {
            String address = iri.toString();
            if (!BUNDLED.matcher(address).matches()) {
                throw new NonLocalReference();
            }
            String resource = address.substring("classpath:".length());
            return () -> {
                InputStream in = JsonSchemaFactory.class.getClassLoader().getResourceAsStream(resource);
                if (in == null) {
                    throw new FileNotFoundException("bundled meta-schema " + resource + " is missing from the validator's jar");
                }
                return in;
            };
        }
    }
}
