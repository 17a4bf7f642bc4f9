package dev.cascade4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A docker-compose.yml read as compose reads it: the YAML tree, and its strings with {@code ${VAR}},
 * {@code ${VAR:-default}} and {@code ${VAR:?message}} replaced from a given environment (a variable
 * absent from it takes its default; one that is required and absent is an error, as in compose).
 */
final class ComposeFile {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\\?)([^}]*))?}");

    private final String text;
    private final JsonNode tree;
    private final Map<String, String> environment;

    private ComposeFile(String text, JsonNode tree, Map<String, String> environment) {
        this.text = text;
        this.tree = tree;
        this.environment = environment;
    }

    static ComposeFile read(Path file, Map<String, String> environment) throws IOException {
        String text = Files.readString(file);
        return new ComposeFile(text, new YAMLMapper().readTree(text), Map.copyOf(environment));
    }

    JsonNode tree() {
        return tree;
    }

    JsonNode service(String name) {
        JsonNode service = tree.path("services").path(name);
        if (!service.isObject()) {
            throw new AssertionError("docker-compose.yml has no service '" + name + "'");
        }
        return service;
    }

    /** The names of the variables the file interpolates. */
    Set<String> variables() {
        Set<String> names = new TreeSet<>();
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** A string of the file as compose passes it on. */
    String interpolate(String value) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String given = environment.get(m.group(1));
            String replacement;
            if (given != null && !given.isEmpty()) {
                replacement = given;
            } else if (":?".equals(m.group(2))) {
                throw new IllegalStateException("required variable " + m.group(1) + " is not set: " + m.group(3));
            } else {
                replacement = m.group(3) == null ? "" : m.group(3);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        return m.appendTail(out).toString();
    }

    /** A list of strings of a service (command, ports, volumes), interpolated; empty when absent. */
    List<String> strings(String service, String key) {
        List<String> out = new ArrayList<>();
        service(service).path(key).forEach(item -> out.add(interpolate(item.asText())));
        return out;
    }

    /** The value after {@code option} in the service's command, or null. */
    String option(String service, String option) {
        List<String> command = strings(service, "command");
        int at = command.indexOf(option);
        return at < 0 || at + 1 >= command.size() ? null : command.get(at + 1);
    }
}
