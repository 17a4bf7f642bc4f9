package dev.cascade4j.router.internal.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed reads of one JSON object's fields, where every failure names the field by its path
 * ({@code messages[2].tool_calls[0].function.name}) and says what was expected. The same reads serve the
 * HTTP request (problems become 400 errors) and the configuration (problems get a file, line and column):
 * the {@link Problems} given decides.
 */
public final class JsonFields {

    /** Turns a problem at a path into the exception the caller throws. */
    @FunctionalInterface
    public interface Problems {
        RuntimeException at(String path, String problem);
    }

    private final JsonNode node;
    private final String path;
    private final Problems problems;

    private JsonFields(JsonNode node, String path, Problems problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    /**
     * The fields of {@code node}, which must be an object.
     *
     * @param path       where the object sits ({@code ""} for the document itself)
     * @param expected   what to say when it is not an object, e.g. "an object with role and content"
     */
    public static JsonFields of(JsonNode node, String path, String expected, Problems problems) {
        if (node == null || !node.isObject()) {
            throw problems.at(path, "must be " + expected);
        }
        return new JsonFields(node, path, problems);
    }

    /** {@code path.field}, or {@code field} at the top. */
    public static String child(String path, String field) {
        return path == null || path.isEmpty() ? field : path + "." + field;
    }

    /** {@code path[index]}. */
    public static String item(String path, int index) {
        return path + "[" + index + "]";
    }

    /** JSON's name for the kind of a value, for messages: string, number, boolean, array, object, null. */
    public static String kind(JsonNode v) {
        return v == null ? "nothing" : v.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    public JsonNode node() {
        return node;
    }

    public String path() {
        return path;
    }

    public String path(String field) {
        return child(path, field);
    }

    /** A problem with one of these fields, as the caller's exception. */
    public RuntimeException fail(String field, String problem) {
        return problems.at(field == null ? path : path(field), problem);
    }

    /** The field's value, or {@code null} when it is absent or JSON null. */
    public JsonNode get(String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    public boolean present(String field) {
        return get(field) != null;
    }

    public String requiredString(String field) {
        String v = optionalString(field);
        if (v == null) {
            throw fail(field, "is required");
        }
        return v;
    }

    public String optionalString(String field) {
        JsonNode v = get(field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw fail(field, "must be a string, got " + kind(v));
        }
        return v.asText();
    }

    public boolean optionalBoolean(String field, boolean fallback) {
        JsonNode v = get(field);
        if (v == null) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw fail(field, "must be a boolean, got " + kind(v));
        }
        return v.asBoolean();
    }

    public double number(String field) {
        JsonNode v = get(field);
        if (v == null || !v.isNumber()) {
            throw fail(field, "must be a number, got " + kind(v));
        }
        return v.asDouble();
    }

    public long integer(String field) {
        JsonNode v = get(field);
        if (v == null || !v.isNumber() || !v.canConvertToExactIntegral() || !v.canConvertToLong()) {
            throw fail(field, "must be an integer, got " + kind(v) + " " + v);
        }
        return v.asLong();
    }

    /** The field as an object's fields, or {@code null} when absent. */
    public JsonFields optionalObject(String field, String expected) {
        JsonNode v = get(field);
        return v == null ? null : of(v, path(field), expected, problems);
    }

    /** For configuration, where a misspelt key must not pass unnoticed: fails on a key outside {@code known}. */
    public JsonFields onlyKeys(Set<String> known) {
        for (var it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw fail(key, "unknown key; known here: " + String.join(", ", new TreeSet<>(known)));
            }
        }
        return this;
    }
}
