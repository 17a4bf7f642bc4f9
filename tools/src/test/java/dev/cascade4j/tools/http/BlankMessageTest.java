package dev.cascade4j.tools.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.source.ModelStore;
import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.router.config.RouterConfig;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A last user message with nothing readable in it (empty, null, spaces, no parts, control characters,
 * lone surrogates) is answered the same way on {@code auto} as on a named model: 200, never a 5xx. On
 * {@code auto} it is out of scope without being embedded, so with no large model the default model answers.
 */
class BlankMessageTest {
    // JSON texts of the message's "content", as a client sends them (the last two as JSON escapes)
    static final List<String> CONTENTS = List.of("\"\"", "null", "\"   \"", "[]", "\"\\u0001\\u0002\"", "\"\\udc00\\ud800\"");

    static final String SMOLLM = "smollm2-135m";
    static LocalModel model;
    static Vertx vertx;
    static CascadeRouter router;
    static OpenAiServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        model = LocalModel.load(ModelStore.defaultStore().resolve(SMOLLM),
                LocalModelOptions.defaults().withParallelSequences(2).withContextPerSequence(2048));
        vertx = Vertx.vertx();
        router = CascadeRouter.builder(vertx).config(RouterConfig.defaults().withSlm(SMOLLM).withoutLargeModels()).localModel(SMOLLM, model).build();
        server = OpenAiServer.builder().vertx(vertx).router(router)
                .config(ServerConfig.defaults().withPort(0).withDefaultMaxTokens(4)).build();
        server.start().await(30, TimeUnit.SECONDS);
        http = new Http(server.port(), null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (vertx != null) {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
        if (router != null) {
            router.close();
        }
        if (model != null) {
            model.close();
        }
    }

    @Test
    void blankLastUserMessageIsAnsweredOnEveryModel() {
        String named = router.localModels().getFirst();
        for (String content : CONTENTS) {
            for (String name : List.of("auto", named)) {
                String body = "{\"model\":\"" + name + "\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":" + content + "}]}";
                Http.Response r = http.post("/v1/chat/completions", body);
                assertEquals(200, r.status(), body + " -> " + r.body());
                JsonNode json = r.json();
                assertEquals("assistant", json.at("/choices/0/message/role").asText(), r.body());
                if (name.equals("auto")) {
                    assertEquals("out_of_scope", json.at("/cascade4j/reason").asText(), r.body());
                    assertTrue(json.at("/cascade4j/fallback").asBoolean(), r.body());
                }
            }
        }
    }

    @Test
    void blankLastUserMessageAfterARealOneIsClassifiedByTheRealOne() {
        String body = "{\"model\":\"auto\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"Summarize this paragraph in one sentence.\"},"
                + "{\"role\":\"assistant\",\"content\":\"Which paragraph?\"},{\"role\":\"user\",\"content\":\"\\u0001\"}]}";
        Http.Response r = http.post("/v1/chat/completions", body);
        assertEquals(200, r.status(), r.body());
        assertEquals("summarize", r.json().at("/cascade4j/route").asText(), r.body());
    }
}
