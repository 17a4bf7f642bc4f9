package dev.cascade4j.router.internal.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cascade4j.router.config.ConfigException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigTreeTest {
    record Server(@Required String name, @Range(min = 1, max = 65535) Integer port, Duration timeout,
                  @JsonProperty("max-entries") @Range(min = 1) Long maxEntries, List<String> tags, List<Child> children) {
    }

    record Child(@Required String id, Boolean enabled, @Range(min = 0, max = 1) Double share) {
    }

    private static Server bind(String text) {
        return ConfigTree.parse(text, "s.yaml", "empty", ConfigException::new).bind(Server.class);
    }

    private static ConfigException error(String text) {
        return assertThrows(ConfigException.class, () -> bind(text));
    }

    @Test
    void bindsYamlAndJsonWithDurationsInEveryForm() {
        Server s = bind("""
                name: a
                port: 8080
                timeout: 30s
                max-entries: 5
                tags: [x, y]
                children:
                  - {id: c, enabled: true, share: 0.5}
                """);
        assertEquals(Duration.ofSeconds(30), s.timeout());
        assertEquals(5L, s.maxEntries());
        assertEquals(0.5, s.children().getFirst().share());
        assertEquals(Duration.ofMillis(250), bind("{\"name\": \"a\", \"timeout\": 250}").timeout());
        assertEquals(Duration.ofMinutes(1), bind("{\"name\": \"a\", \"timeout\": \"PT1M\"}").timeout());
    }

    @Test
    void anUnknownKeyHasItsLineColumnPathAndTheKnownKeys() {
        ConfigException e = error("""
                name: a
                children:
                  - id: c
                    enabeld: true
                """);
        assertEquals(4, e.line());
        assertEquals(5, e.column());
        assertEquals("children[0].enabeld", e.key());
        assertEquals("s.yaml, line 4, column 5: children[0].enabeld: unknown key; known here: enabled, id, share", e.getMessage());
    }

    @Test
    void wrongTypesSayWhatWasExpectedAndWhatCame() {
        ConfigException port = error("name: a\nport: eighty\n");
        assertEquals("s.yaml, line 2, column 1: port: must be a whole number, got 'eighty'", port.getMessage());
        assertTrue(error("name: a\nport: 80.5\n").getMessage().endsWith("port: must be a whole number, got '80.5'"));
        assertTrue(error("name: a\nport: \"80\"\n").getMessage().endsWith("port: must be a whole number, got '80'"));
        assertTrue(error("name: a\nport: 99999999999\n").getMessage().contains("port: "));
        assertTrue(error("name: a\nchildren: [{id: c, enabled: 1}]\n").getMessage()
                .endsWith("children[0].enabled: must be true or false, got '1'"));
        assertTrue(error("name: a\ntags: x\n").getMessage().endsWith("tags: must be a list, got 'x'"));
        assertTrue(error("name: a\nchildren: [x]\n").getMessage().endsWith("children[0]: must be a mapping of keys, got 'x'"));
        ConfigException timeout = error("name: a\ntimeout: soon\n");
        assertEquals("timeout", timeout.key());
        assertTrue(timeout.getMessage().contains("'soon' is not a duration"), timeout.getMessage());
        assertTrue(error("name: a\ntimeout: [1]\n").getMessage().contains("timeout: must be a duration such as 500ms"));
        assertTrue(error("- a\n").getMessage().contains("the configuration must be a mapping of keys"));
    }

    @Test
    void rangesAndRequiredKeysAreCheckedWhereTheyAre() {
        ConfigException port = error("name: a\nport: 0\n");
        assertEquals("s.yaml, line 2, column 1: port: must be in [1, 65535], got 0", port.getMessage());
        assertTrue(error("name: a\nmax-entries: 0\n").getMessage().endsWith("max-entries: must be at least 1, got 0"));
        ConfigException share = error("name: a\nchildren:\n  - id: c\n    share: 1.5\n");
        assertEquals(4, share.line());
        assertTrue(share.getMessage().endsWith("children[0].share: must be in [0.0, 1.0], got 1.5"), share.getMessage());
        ConfigException id = error("name: a\nchildren:\n  - share: 0.5\n");
        assertEquals("children[0].id", id.key());
        assertEquals(3, id.line(), "the nearest enclosing key's line");
        assertTrue(error("port: 1\n").getMessage().endsWith("name: is required"));
        assertTrue(error("name: a\ntags: [x, \"\"]\n").getMessage().endsWith("tags[1]: must be non-empty text"));
    }

    @Test
    void syntaxErrorsDuplicateKeysAndEmptyTextSayWhere() {
        ConfigException syntax = error("name: [a\n");
        assertTrue(syntax.line() > 0 && syntax.getMessage().contains("not valid YAML or JSON"), syntax.getMessage());
        ConfigException twice = error("name: a\nport: 1\nport: 2\n");
        assertEquals(3, twice.line());
        assertTrue(twice.getMessage().endsWith("port: key appears twice"), twice.getMessage());
        assertEquals("s.yaml: empty", error("# nothing\n").getMessage());
    }

    @Test
    void jsonFieldsReportThroughTheTreeWithItsLocations() {
        ConfigTree tree = ConfigTree.parse("tool:\n  name: t\n  descripton: x\n", "t.yaml", "empty", ConfigException::new);
        JsonFields tool = JsonFields.of(tree.root().get("tool"), "tool", "a mapping", tree);
        assertEquals("t", tool.requiredString("name"));
        ConfigException e = assertThrows(ConfigException.class, () -> tool.onlyKeys(java.util.Set.of("name", "description")));
        assertEquals("t.yaml, line 3, column 3: tool.descripton: unknown key; known here: description, name", e.getMessage());
    }
}
