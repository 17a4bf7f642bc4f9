package dev.cascade4j.tools.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.Router;
import dev.cascade4j.router.Subtask;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A router that breaks: the client gets a 500 with an incident id, never the exception's text or trace. */
class ServerFailureTest {
    static Vertx vertx;
    static OpenAiServer server;
    static Http http;

    /** Fails asynchronously for route "async", throws for anything else. */
    static final class BrokenRouter implements Router {
        @Override
        public Future<RoutedAnswer> route(Subtask subtask) {
            if ("async".equals(subtask.routeHint())) {
                return Future.failedFuture(new IllegalStateException("secret detail: db password wrong"));
            }
            throw new IllegalStateException("secret detail: null pointer in classifier");
        }

        @Override
        public List<RouteInfo> routes() {
            return List.of(new RouteInfo("async", "fails later", "none"));
        }

        @Override
        public List<String> localModels() {
            return List.of();
        }
    }

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        server = OpenAiServer.builder().vertx(vertx).router(new BrokenRouter()).ready(() -> false)
                .config(ServerConfig.defaults().withPort(0)).build();
        server.start().await();
        http = new Http(server.port(), null);
    }

    @AfterAll
    static void stop() {
        server.close();
        vertx.close().await();
    }

    @Test
    void serverFailuresAre500WithAnIncidentAndNoDetails() {
        for (String model : List.of("async", "auto")) {
            for (boolean stream : List.of(false, true)) {
                String body = "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                Http.Response r = http.post("/v1/chat/completions", body);
                assertEquals(500, r.status(), r.body());
                assertEquals("internal_error", r.json().at("/error/code").asText());
                assertEquals("server_error", r.json().at("/error/type").asText());
                assertTrue(r.json().at("/error/message").asText().contains("incident"), r.body());
                assertFalse(r.body().contains("secret detail"), r.body());
            }
        }
    }

    @Test
    void notReadyIs503() {
        assertEquals(503, http.get("/ready").status());
        assertEquals(200, http.get("/health").status());
    }
}
