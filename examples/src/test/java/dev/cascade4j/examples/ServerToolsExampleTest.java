package dev.cascade4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.examples.ServerToolsExample.Conversation;
import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.tools.ToolRegistry;
import dev.cascade4j.tools.http.OpenAiServer;
import dev.cascade4j.tools.http.ServerConfig;
import dev.langchain4j.agent.tool.ToolSpecification;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server with the support desk's tools on SmolLM2, called over real HTTP by langchain4j's OpenAI client. */
class ServerToolsExampleTest {
    private static final Set<String> TOOLS = Set.of("findOrder", "ordersOfCustomer", "shipmentStatus", "openTicket");
    private static Vertx vertx;
    private static CascadeRouter router;
    private static OpenAiServer server;
    private static String baseUrl;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        router = CascadeRouter.builder(vertx).config(TinyCascade.config()).build();
        server = OpenAiServer.builder().vertx(vertx).router(router).tools(ToolRegistry.builder().annotated(SupportDesk.load()).build())
                .config(ServerConfig.defaults().withPort(0)).build();
        server.start().await();
        baseUrl = "http://127.0.0.1:" + server.port() + "/v1";
    }

    @AfterAll
    static void stop() {
        server.close();
        router.close();
        vertx.close().await();
    }

    @Test
    void theClientReadsTheServersToolsWithTheirSchemas() {
        List<ToolSpecification> tools = ServerToolsExample.listTools(baseUrl);

        assertEquals(TOOLS, Set.copyOf(tools.stream().map(ToolSpecification::name).toList()));
        ToolSpecification ticket = tools.stream().filter(t -> t.name().equals("openTicket")).findFirst().orElseThrow();
        assertEquals(Set.of("orderId", "summary"), ticket.parameters().properties().keySet());
        assertEquals(Set.of("orderId", "summary"), Set.copyOf(ticket.parameters().required()));
    }

    @Test
    void aPlainOpenAiClientGetsAnAnswerOrRunsTheServersTools() {
        List<String> lines = new ArrayList<>();

        Conversation c = ServerToolsExample.ask(baseUrl, ServerToolsExample.DEFAULT_QUESTION, 2, lines::add);

        String printed = String.join("\n", lines);
        assertTrue(c.answer() != null || !c.invoked().isEmpty(), printed);
        assertTrue(TOOLS.containsAll(c.invoked()), printed);
        List<String> completions = lines.stream().filter(l -> l.startsWith("POST /chat/completions")).toList();
        assertEquals(c.rounds(), completions.size(), printed);
        // every answer came with 200 and says how it was served; a request with tools goes to the tool route
        completions.forEach(l -> assertTrue(l.startsWith("POST /chat/completions: 200 {") && l.contains("x-cascade4j-route=tool_call"), l));
        // the grammar makes arguments the tool's schema accepts, so the server ran every call (its result or its own failure)
        lines.stream().filter(l -> l.contains("/invoke -> ")).forEach(l -> assertTrue(!l.contains("/invoke -> error: "), l));
    }
}
