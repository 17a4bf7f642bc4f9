package dev.cascade4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What {@code serve} binds, from its options and its config file. */
class ServeCommandTest {
    @TempDir
    Path tmp;

    private static ServeCommand parsed(String... args) {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(args);
        return serve;
    }

    @Test
    void anApiKeyWidensTheDefaultHostOnly() {
        assertEquals("127.0.0.1", parsed().serverConfig().bindHost());
        assertEquals("0.0.0.0", parsed("--api-key", "k").serverConfig().bindHost());
        assertEquals("127.0.0.1", parsed("--api-key", "k", "--host", "127.0.0.1").serverConfig().bindHost());
        assertEquals("::1", parsed("--api-key", "k", "--host", "::1").serverConfig().bindHost());
    }

    @Test
    void aHostFromTheConfigFileIsHonouredWithAKeyOnTheCommandLine() throws Exception {
        Path file = tmp.resolve("server.yaml");
        Files.writeString(file, "host: 127.0.0.1\nport: 9000\nread-timeout: 5s\nidle-timeout: 2m\n");
        var config = parsed("--config", file.toString(), "--api-key", "k").serverConfig();
        assertEquals("127.0.0.1", config.bindHost());
        assertEquals(9000, config.port());
        assertEquals(Duration.ofSeconds(5), config.readTimeout());
        assertEquals(Duration.ofMinutes(2), config.idleTimeout());
        assertEquals(8081, parsed("--config", file.toString(), "--port", "8081").serverConfig().port(), "the option wins over the file");
    }
}
