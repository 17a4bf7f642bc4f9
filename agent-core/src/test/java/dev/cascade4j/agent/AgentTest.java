package dev.cascade4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.router.EscalationReason;
import dev.cascade4j.tools.ToolResult;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Agents on the real SmolLM2 behind the real router, with real tools. */
class AgentTest {
    private static final ObjectMapper JSON = new ObjectMapper();
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

    /** Two tools whose results the model must chain: look a price up, then convert it. */
    public static final class Shop {
        final List<String> calls = new CopyOnWriteArrayList<>();
        private final Map<String, Integer> prices = Map.of("laptop", 1200, "phone", 800, "bicycle", 450);

        @Tool("Looks up the price in euros of a product in the shop")
        public String priceOf(@P("the product's name, e.g. laptop") String product) {
            calls.add("priceOf(" + product + ")");
            Integer p = prices.get(product.strip().toLowerCase());
            if (p == null) {
                throw new IllegalArgumentException("no product named " + product + "; the shop sells " + prices.keySet());
            }
            return String.valueOf(p);
        }

        @Tool("Converts an amount of euros into US dollars")
        public String toUsDollars(@P("the amount in euros") double euros) {
            calls.add("toUsDollars(" + euros + ")");
            return String.format(java.util.Locale.ROOT, "%.0f", euros * 1.1);
        }
    }

    @Test
    void chainsTwoToolsToAFinalAnswer() {
        Shop shop = new Shop();
        try (Agent agent = Agent.builder().router(router).tools(shop)
                .systemPrompt("You answer questions about the shop. Call one tool at a time. First find the price with the priceOf tool,"
                        + " then convert it with toUsDollars, then give the final answer with final_answer.")
                .maxSteps(5).timeBudget(Duration.ofMinutes(10)).build()) {

            AgentResult result = agent.run("Find the price of the laptop, then convert it to US dollars.");

            assertTrue(shop.calls.stream().anyMatch(c -> c.equalsIgnoreCase("priceOf(laptop)")), "looked the price up: " + shop.calls + "\n" + trace(result));
            assertTrue(shop.calls.contains("toUsDollars(1200.0)"), "converted the price it found: " + shop.calls + "\n" + trace(result));
            assertTrue(result.answered(), trace(result));
            assertTrue(result.answer().contains("1320"), "the answer carries the converted price: " + result.answer() + "\n" + trace(result));
            AgentStep first = result.steps().getFirst();
            assertEquals("priceOf", first.toolCalls().getFirst().name());
            assertTrue(first.results().getFirst().ok());
            assertTrue(result.steps().stream().allMatch(s -> s.decision() != null && s.subtaskId() != null), "every step says how it was routed");
        }
    }

    /** One tool that always fails, the way a backend that is down does. */
    public static final class Warehouse {
        @Tool("Tells how many items of a product are in stock")
        public String stock(@P("the product's name") String product) {
            throw new IllegalStateException("the warehouse service is down");
        }
    }

    @Test
    void aToolThatThrowsBecomesAResultTheModelSees() {
        try (Agent agent = Agent.builder().router(router).tools(new Warehouse()).maxSteps(2)
                .systemPrompt("Check the stock with the stock tool.").build()) {

            AgentResult result = agent.run("How many laptops are in stock?");

            ToolResult failed = result.steps().stream().flatMap(s -> s.results().stream()).findFirst()
                    .orElseThrow(() -> new AssertionError("no tool ran\n" + trace(result)));
            assertEquals(ToolResult.Status.FAILED, failed.status(), trace(result));
            assertTrue(failed.content().contains("the warehouse service is down"), failed.content());

            // The step that reads the failure is escalated; with no large model the SLM answers it as a fallback.
            int failedAt = result.steps().stream().filter(s -> s.results().contains(failed)).findFirst().orElseThrow().index();
            AgentStep next = result.steps().stream().filter(s -> s.index() == failedAt + 1).findFirst()
                    .orElseThrow(() -> new AssertionError("no step after the failure\n" + trace(result)));
            assertEquals(EscalationReason.TOOL_FAILED, next.decision().reason(), trace(result));
            assertTrue(next.decision().detail().contains("tool stock failed in step " + failedAt), next.decision().detail());
            assertTrue(next.decision().fallback(), next.decision().toString());
        }
    }

    @Test
    void stopsAtTheStepLimit() {
        Shop shop = new Shop();
        try (Agent agent = Agent.builder().router(router).tools(shop).maxSteps(1)
                .systemPrompt("You answer questions about the shop. Call one tool at a time. First find the price with the priceOf tool,"
                        + " then convert it with toUsDollars, then give the final answer with final_answer.").build()) {

            AgentResult result = agent.run("Find the price of the laptop, then convert it to US dollars.");

            assertEquals(1, result.steps().size(), trace(result));
            assertEquals(AgentResult.StopReason.STEP_LIMIT, result.stopReason(), trace(result));
            assertTrue(result.answer() == null && !result.answered());
        }
    }

    @Test
    void aStepPastItsOwnDeadlineEndsTheRunAsSlmTimeoutWithoutAnAnswer() {
        try (Agent agent = Agent.builder().router(router).tools(new Shop()).stepTimeout(Duration.ofMillis(1)).build()) {

            AgentResult result = agent.run("Find the price of the laptop, then convert it to US dollars.");

            // No large model here: the router hands back the SLM's answer cut off at the deadline, or nothing.
            assertEquals(AgentResult.StopReason.SLM_TIMEOUT, result.stopReason(), trace(result));
            assertTrue(result.answer() == null && !result.answered());
            assertTrue(result.detail().contains("deadline of 1 ms"), result.detail());
        }
    }

    @Test
    void runBlocksSoItRefusesAnEventLoop() throws Exception {
        Shop shop = new Shop();
        try (Agent agent = Agent.builder().router(router).tools(shop).build()) {
            var error = vertx.getOrCreateContext().<Throwable>executeBlocking(() -> null).compose(v -> {
                io.vertx.core.Promise<Throwable> p = io.vertx.core.Promise.promise();
                vertx.runOnContext(x -> {
                    try {
                        agent.run("anything");
                        p.complete(null);
                    } catch (IllegalStateException e) {
                        p.complete(e);
                    }
                });
                return p.future();
            }).await();
            assertTrue(error != null && error.getMessage().contains("runAsync"), String.valueOf(error));
        }
    }

    @Test
    void rejectsAToolNamedLikeTheBuiltInFinish() {
        var e = assertThrows(IllegalArgumentException.class, () -> Agent.builder().router(router)
                .tool(new dev.cascade4j.inference.ToolSpec("final_answer", "x", JSON.createObjectNode().put("type", "object")), args -> "")
                .build());
        assertTrue(e.getMessage().contains("final_answer"));
    }

    static String trace(AgentResult r) {
        StringBuilder sb = new StringBuilder("stop " + r.stopReason() + ", answer " + r.answer() + "\n");
        for (AgentStep s : r.steps()) {
            sb.append("  step ").append(s.index()).append(" route ").append(s.decision().route()).append(" conf ")
                    .append(String.format("%.2f", s.decision().generationConfidence())).append(" ");
            for (int i = 0; i < s.toolCalls().size(); i++) {
                ToolCall c = s.toolCalls().get(i);
                sb.append(c.name()).append(c.arguments());
                if (i < s.results().size()) {
                    sb.append(" -> ").append(s.results().get(i).status()).append(' ').append(s.results().get(i).content());
                }
                sb.append("; ");
            }
            if (s.text() != null) {
                sb.append("text: ").append(s.text());
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
