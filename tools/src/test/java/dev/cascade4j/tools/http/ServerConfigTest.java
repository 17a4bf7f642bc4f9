package dev.cascade4j.tools.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
    @TempDir
    Path dir;

    @Test
    void readsEveryKeyFromYaml() throws Exception {
        Path file = Files.writeString(dir.resolve("server.yaml"), """
                port: 9090
                body-limit-bytes: 2048
                api-keys: [alpha, beta]
                cache:
                  enabled: true
                  max-entries: 50
                  ttl: 90s
                default-max-tokens: 128
                request-deadline: PT2M
                tool-concurrency: 8
                max-messages: 100
                """);
        ServerConfig c = ServerConfig.load(file);
        assertEquals(9090, c.port());
        assertEquals(2048, c.bodyLimitBytes());
        assertEquals(List.of("alpha", "beta"), c.apiKeys());
        assertTrue(c.cacheEnabled());
        assertEquals(50, c.cacheMaxEntries());
        assertEquals(Duration.ofSeconds(90), c.cacheTtl());
        assertEquals(128, c.defaultMaxTokens());
        assertEquals(Duration.ofMinutes(2), c.requestDeadline());
        assertEquals(8, c.toolConcurrency());
        assertEquals(100, c.maxMessages());
        assertEquals("0.0.0.0", c.bindHost(), "keys set and no host: all interfaces");
    }

    @Test
    void withoutKeysTheServerIsLocalOnly() throws Exception {
        ServerConfig c = ServerConfig.load(Files.writeString(dir.resolve("s.json"), "{\"port\": 8081}"));
        assertEquals("127.0.0.1", c.bindHost());
        assertEquals("10.0.0.5", c.withHost("10.0.0.5").bindHost());
        assertEquals(ServerConfig.defaults().bodyLimitBytes(), c.bodyLimitBytes());
        assertEquals(2048, c.maxMessages());
    }

    @Test
    void mistakesNameTheKey() throws Exception {
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.load(Files.writeString(dir.resolve("a.yaml"), "port: 1\nbody-limit: 5\n")));
        assertTrue(unknown.getMessage().endsWith("a.yaml, line 2, column 1: body-limit: unknown key; known here: api-keys, body-limit-bytes, "
                + "cache, default-max-tokens, host, idle-timeout, max-messages, port, read-timeout, request-deadline, tool-concurrency"),
                unknown.getMessage());
        var ttl = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.load(Files.writeString(dir.resolve("b.yaml"), "cache:\n  ttl: soon\n")));
        assertTrue(ttl.getMessage().endsWith("b.yaml, line 2, column 3: cache.ttl: 'soon' is not a duration; write e.g. 500ms, 30s, 2m, 1h, 7d or ISO-8601 such as PT30S"),
                ttl.getMessage());
        var port = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.load(Files.writeString(dir.resolve("c.yaml"), "port: 70000\n")));
        assertTrue(port.getMessage().endsWith("c.yaml, line 1, column 1: port: must be in [0, 65535], got 70000"), port.getMessage());
        var messages = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.load(Files.writeString(dir.resolve("d.yaml"), "max-messages: 0\n")));
        assertTrue(messages.getMessage().endsWith("max-messages: must be at least 1, got 0"), messages.getMessage());
        var deadline = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.load(Files.writeString(dir.resolve("e.yaml"), "request-deadline: 0s\n")));
        assertTrue(deadline.getMessage().contains("request-deadline must be a positive duration"), deadline.getMessage());
        assertEquals(ServerConfig.defaults(), ServerConfig.load(Files.writeString(dir.resolve("empty.yaml"), "# nothing set\n")));
        assertEquals(8081, ServerConfig.load(Files.writeString(dir.resolve("camel.yaml"), "port: 8081\nmaxMessages: 3\n")).port(),
                "camelCase keys are read too");
    }
}
