package dev.cascade4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code serve} binds, from its options and its config file. */
class ServeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void anApiKeyWidensTheDefaultHostOnly() {
        assertEquals("127.0.0.1", ServeCommand.serverConfig(Map.of()).bindHost());
        assertEquals("0.0.0.0", ServeCommand.serverConfig(Map.of("api-key", "k")).bindHost());
        assertEquals("127.0.0.1", ServeCommand.serverConfig(Map.of("api-key", "k", "host", "127.0.0.1")).bindHost());
        assertEquals("::1", ServeCommand.serverConfig(Map.of("api-key", "k", "host", "::1")).bindHost());
    }

    @Test
    void aHostFromTheConfigFileIsHonouredWithAKeyOnTheCommandLine() throws Exception {
        Path file = tmp.resolve("server.yaml");
        Files.writeString(file, "host: 127.0.0.1\nread-timeout: 5s\nidle-timeout: 2m\n");
        var config = ServeCommand.serverConfig(Map.of("config", file.toString(), "api-key", "k"));
        assertEquals("127.0.0.1", config.bindHost());
        assertEquals(Duration.ofSeconds(5), config.readTimeout());
        assertEquals(Duration.ofMinutes(2), config.idleTimeout());
    }
}
