package dev.cascade4j.tools.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.Router;
import dev.cascade4j.router.Subtask;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which interfaces the server binds: 127.0.0.1 without a key, every interface with a key and no host,
 * and exactly the given host when one is set, key or not; and the URLs it reports at start.
 */
class BindAddressTest {
    static Vertx vertx;

    static final Router NO_ROUTES = new Router() {
        @Override
        public Future<RoutedAnswer> route(Subtask subtask) {
            return Future.failedFuture(new IllegalStateException("not used"));
        }

        @Override
        public List<RouteInfo> routes() {
            return List.of();
        }

        @Override
        public List<String> localModels() {
            return List.of();
        }
    };

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    static OpenAiServer serve(ServerConfig config) throws Exception {
        OpenAiServer server = OpenAiServer.builder().vertx(vertx).router(NO_ROUTES).config(config.withPort(0)).build();
        server.start().await(30, TimeUnit.SECONDS);
        return server;
    }

    static boolean reachable(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port), 2000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    /** An IPv4 address of this machine other than loopback, when it has one. */
    static Optional<String> otherAddress() throws Exception {
        return NetworkInterface.networkInterfaces().filter(n -> {
            try {
                return n.isUp() && !n.isLoopback();
            } catch (Exception e) {
                return false;
            }
        }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address).map(InetAddress::getHostAddress).findFirst();
    }

    static boolean hasIpv6Loopback() {
        try {
            return NetworkInterface.getByInetAddress(InetAddress.getByName("::1")) != null;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void withoutKeyOrHostOnlyLoopback() throws Exception {
        try (OpenAiServer server = serve(ServerConfig.defaults())) {
            assertFalse(server.bindsEveryInterface());
            assertEquals(List.of("http://127.0.0.1:" + server.port()), server.listeningOn());
            assertTrue(reachable("127.0.0.1", server.port()));
            if (hasIpv6Loopback()) {
                assertFalse(reachable("::1", server.port()));
            }
        }
    }

    @Test
    void aKeyWithoutHostBindsEveryInterfaceAndListsThem() throws Exception {
        try (OpenAiServer server = serve(ServerConfig.defaults().withApiKeys(List.of("k")))) {
            int port = server.port();
            assertTrue(server.bindsEveryInterface());
            List<String> urls = server.listeningOn();
            assertTrue(urls.contains("http://127.0.0.1:" + port), urls.toString());
            assertTrue(reachable("127.0.0.1", port));
            Optional<String> other = otherAddress();
            if (other.isPresent()) {
                assertTrue(urls.contains("http://" + other.get() + ":" + port), urls.toString());
                assertTrue(reachable(other.get(), port));
            }
            if (hasIpv6Loopback()) {
                assertTrue(urls.contains("http://[::1]:" + port), urls.toString());
                assertTrue(reachable("::1", port), "a wildcard bind takes IPv6 too");
            }
        }
    }

    @Test
    void anExplicitHostIsHonouredEvenWithAKey() throws Exception {
        try (OpenAiServer server = serve(ServerConfig.defaults().withApiKeys(List.of("k")).withHost("127.0.0.1"))) {
            int port = server.port();
            assertFalse(server.bindsEveryInterface());
            assertEquals(List.of("http://127.0.0.1:" + port), server.listeningOn());
            assertTrue(reachable("127.0.0.1", port));
            Optional<String> other = otherAddress();
            if (other.isPresent()) {
                assertFalse(reachable(other.get(), port), "bound to 127.0.0.1 only, yet reachable on " + other.get());
            }
            if (hasIpv6Loopback()) {
                assertFalse(reachable("::1", port));
            }
        }
    }

    @Test
    void anIpv6HostIsWrittenInBrackets() {
        assertEquals(List.of("http://[::1]:8080"), ListeningAddresses.urls("::1", 8080));
        assertEquals("::1", ListeningAddresses.compact(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
        assertEquals("fd00::2", ListeningAddresses.compact(new byte[] {(byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}));
        assertEquals("2001:db8:0:1:1:1:1:1", ListeningAddresses.compact(new byte[] {0x20, 1, 0x0d, (byte) 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1}));
        assertEquals("::", ListeningAddresses.compact(new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.defaults().withTimeouts(java.time.Duration.ZERO, java.time.Duration.ofSeconds(1)));
    }
}
