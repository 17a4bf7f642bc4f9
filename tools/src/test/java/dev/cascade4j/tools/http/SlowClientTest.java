package dev.cascade4j.tools.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.Timings;
import dev.cascade4j.inference.Usage;
import dev.cascade4j.router.EscalationReason;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.Router;
import dev.cascade4j.router.RoutingDecision;
import dev.cascade4j.router.Subtask;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Raw sockets against read and idle timeouts of one second: a client that stalls in its headers or
 * short of its Content-Length is cut off, an idle kept-alive connection is closed, and a request the
 * model takes longer than both timeouts to answer is not.
 */
class SlowClientTest {
    static final Duration READ = Duration.ofSeconds(1);
    static final Duration IDLE = Duration.ofMillis(1500);
    static final long ANSWER_MILLIS = 3_000;

    static Vertx vertx;
    static OpenAiServer server;

    /** A router whose single route answers "ok" after three seconds, writing nothing meanwhile. */
    static final class SlowRouter implements Router {
        @Override
        public Future<RoutedAnswer> route(Subtask subtask) {
            Promise<RoutedAnswer> p = Promise.promise();
            vertx.setTimer(ANSWER_MILLIS, id -> {
                GenerationResult r = new GenerationResult("ok", List.of(), FinishReason.STOP, Confidence.NONE,
                        new Usage(3, 0, 1, 0), new Timings(0, 1, 1));
                p.complete(new RoutedAnswer(subtask, new RoutingDecision(subtask.id(), "slow", 1, 0.9, false,
                        EscalationReason.NONE, "fake", false, ""), r, r, null, Duration.ofMillis(ANSWER_MILLIS), Duration.ZERO));
            });
            return p.future();
        }

        @Override
        public List<RouteInfo> routes() {
            return List.of(new RouteInfo("slow", "answers after three seconds", "fake"));
        }

        @Override
        public List<String> localModels() {
            return List.of();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = OpenAiServer.builder().vertx(vertx).router(new SlowRouter())
                .config(ServerConfig.defaults().withPort(0).withTimeouts(READ, IDLE)).build();
        server.start().await(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (vertx != null) {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(15_000);
        return s;
    }

    static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** What the server sent until it closed the connection, and after how long. */
    record Closed(String received, long millis) {
    }

    static Closed readUntilClosed(Socket s) throws IOException {
        long t0 = System.nanoTime();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection within 15 s; received: " + got);
        } catch (IOException reset) {
            // a reset is a close too
        }
        return new Closed(got.toString(StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1_000_000);
    }

    static String chat(boolean stream) {
        return "{\"model\":\"slow\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    static String post(String body, int declaredLength) {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                + declaredLength + "\r\n\r\n" + body;
    }

    /** The report's 1,000 stalled connections, or as many as this process's descriptor limit allows (two each). */
    static int connections() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            return (int) Math.max(50, Math.min(1000, (os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount() - 100) / 2));
        }
        return 100;
    }

    @Test
    void unfinishedHeadersAreClosedAfterTheReadTimeout() throws Exception {
        int n = connections();
        List<Socket> sockets = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            sockets.add(connect()); // connects and sends nothing at all
            for (int i = 0; i < n; i++) {
                Socket s = connect();
                send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Ty");
                sockets.add(s);
            }
            long opened = (System.nanoTime() - t0) / 1_000_000;
            for (Socket s : sockets) {
                assertEquals("", readUntilClosed(s).received(), "a stalled request has no response");
            }
            long all = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(all >= READ.toMillis() - 100, "closed before the read timeout: " + all + " ms");
            assertTrue(all < opened + READ.toMillis() + 5_000, n + 1 + " connections opened in " + opened + " ms, all closed only after " + all + " ms");
            // the server is still there for everyone else
            try (Socket s = connect()) {
                send(s, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                assertTrue(readUntilClosed(s).received().startsWith("HTTP/1.1 200"));
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void aBodyShortOfItsContentLengthGets408AndIsClosed() throws Exception {
        try (Socket s = connect()) {
            String body = chat(false);
            long t0 = System.nanoTime();
            send(s, post(body.substring(0, 20), body.length()));
            Closed c = readUntilClosed(s);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(c.received().startsWith("HTTP/1.1 408"), c.received());
            assertTrue(c.received().contains("\"code\":\"request_timeout\""), c.received());
            assertTrue(c.received().contains("read-timeout"), c.received());
            assertTrue(millis >= READ.toMillis() - 100 && millis < READ.toMillis() + 3_000, "closed after " + millis + " ms");
        }
    }

    @Test
    void aKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (Socket s = connect()) {
            send(s, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
            long t0 = System.nanoTime();
            Closed c = readUntilClosed(s);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(c.received().startsWith("HTTP/1.1 200"), c.received());
            assertTrue(millis >= IDLE.toMillis() - 100 && millis < IDLE.toMillis() + 3_000, "closed after " + millis + " ms");
        }
    }

    @Test
    void aRequestWaitingOnTheModelLongerThanBothTimeoutsIsAnswered() throws Exception {
        for (boolean stream : new boolean[] {false, true}) {
            try (Socket s = connect()) {
                String body = chat(stream);
                long t0 = System.nanoTime();
                // the body comes in two parts, well inside the read timeout
                send(s, post(body.substring(0, 10), body.length()));
                Thread.sleep(300);
                send(s, body.substring(10));
                Closed c = readUntilClosed(s); // then the idle timeout closes the kept-alive connection
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(c.received().startsWith("HTTP/1.1 200"), c.received());
                assertTrue(c.received().contains(stream ? "data: [DONE]" : "\"content\":\"ok\""), c.received());
                assertTrue(millis >= ANSWER_MILLIS + IDLE.toMillis() - 200, "closed after " + millis + " ms");
            }
        }
    }

    @Test
    void keepAliveRequestsInARowAreServed() throws Exception {
        try (Socket s = connect()) {
            for (int i = 0; i < 3; i++) {
                send(s, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
                Thread.sleep(IDLE.toMillis() / 2); // a pause under the idle timeout
            }
            Closed c = readUntilClosed(s);
            assertEquals(3, c.received().split("HTTP/1.1 200", -1).length - 1, c.received());
        }
    }
}
