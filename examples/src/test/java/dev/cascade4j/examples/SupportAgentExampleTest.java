package dev.cascade4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.agent.Agent;
import dev.cascade4j.agent.AgentResult;
import dev.cascade4j.agent.AgentStep;
import dev.cascade4j.router.CascadeRouter;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The support agent's tools over the real data file, and the agent itself on SmolLM2 behind the real router. */
class SupportAgentExampleTest {
    private static final Set<String> TOOLS = Set.of("findOrder", "ordersOfCustomer", "shipmentStatus", "openTicket", Agent.FINAL_ANSWER_TOOL);
    private static Vertx vertx;
    private static CascadeRouter router;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        router = CascadeRouter.builder(vertx).config(TinyCascade.config()).build();
    }

    @AfterAll
    static void stop() {
        router.close();
        vertx.close().await();
    }

    @Test
    void theToolsAnswerFromTheOrdersFile() {
        SupportDesk desk = SupportDesk.load();

        String order = desk.findOrder("A-1038");
        assertTrue(order.contains("jonas.weber@example.com") && order.contains("Tracking number: 1Z274271721"), order);
        assertEquals(order, desk.findOrder(" 1038 "), "an order number without its prefix");
        assertTrue(desk.findOrder("a-1029").contains("no tracking number"), "an order not shipped yet");
        assertTrue(desk.shipmentStatus("1z274271721").contains("held: the address could not be verified"));
        assertEquals(desk.shipmentStatus("1Z274271721"), desk.shipmentStatus("A-1038"), "by order number as well");
        assertEquals("Order A-1029 has not shipped yet (status: processing).", desk.shipmentStatus("A-1029"));
        assertTrue(desk.ordersOfCustomer("Jonas.Weber@example.com").contains("A-1038"));

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> desk.findOrder("B-7"));
        assertTrue(unknown.getMessage().contains("order numbers look like A-1038"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> desk.shipmentStatus("1Z000"));
        assertThrows(IllegalArgumentException.class, () -> desk.ordersOfCustomer("nobody@example.com"));

        assertTrue(desk.openTicket("A-1038", "The parcel is held at the sorting centre.").startsWith("Opened ticket T-501"));
        assertTrue(desk.openTicket("1038", "Still not here.").startsWith("Ticket T-501 is already open"), "one ticket per order");
        assertEquals(List.of(new SupportDesk.Ticket("T-501", "A-1038", "The parcel is held at the sorting centre.")), desk.tickets());
    }

    @Test
    void everyStepIsRoutedAndCallsOnlyTheDesksTools() {
        SupportDesk desk = SupportDesk.load();
        try (Agent agent = SupportAgentExample.agent(router, desk, 2, Duration.ofMinutes(5))) {

            AgentResult result = agent.run(SupportAgentExample.DEFAULT_QUESTION);

            String trace = result.steps().stream().map(AgentTrace::describe).collect(Collectors.joining("\n"));
            assertNotEquals(AgentResult.StopReason.ERROR, result.stopReason(), result.detail() + "\n" + trace);
            assertFalse(result.steps().isEmpty(), result.detail());
            for (AgentStep step : result.steps()) {
                assertNotNull(step.subtaskId());
                // a request that carries tools goes to the tool route, whatever its words
                assertEquals("tool_call", step.decision().route(), trace);
                // the tool-call grammar admits only the tools offered
                step.toolCalls().forEach(call -> assertTrue(TOOLS.contains(call.name()), call.name()));
                assertTrue(AgentTrace.describe(step).startsWith("step " + step.index() + "  route tool_call"), AgentTrace.describe(step));
            }
            assertTrue(!result.answered() || !result.answer().isBlank(), trace);
        }
    }
}
