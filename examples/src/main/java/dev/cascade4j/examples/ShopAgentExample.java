package dev.cascade4j.examples;

import dev.cascade4j.agent.Agent;
import dev.cascade4j.agent.AgentResult;
import dev.cascade4j.router.CascadeRouter;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A complete agent in a few lines: two tools, the embedded router (Qwen2.5-Coder-0.5B on the routes,
 * Qwen2.5-Coder-1.5B as the large tier), two tasks; the trace shows which steps the small model kept,
 * with its confidence, and which went to the large one, and why.
 * Run it with {@code ./cascade4j demo [TASK]}.
 */
public final class ShopAgentExample {

    /** The agent's tools: plain Java methods. */
    // readme:shop-tools-begin
    public static class Shop {
        private final Map<String, Integer> prices = new TreeMap<>(Map.of("laptop", 1200, "phone", 800, "bicycle", 450));

        @Tool("Looks up the price in euros of a product in the shop")
        public String priceOf(@P("the product's name, e.g. laptop") String product) {
            Integer euros = prices.get(product.strip().toLowerCase(Locale.ROOT));
            if (euros == null) {    // the model reads the error and can correct itself
                throw new IllegalArgumentException("no product named " + product + "; the shop sells " + prices.keySet());
            }
            return "The " + product.strip() + " costs " + euros + " euros.";    // a result that says what it is
        }

        @Tool("Converts an amount of euros into US dollars")
        public String toUsDollars(@P("the amount in euros") double euros) {
            return String.format(Locale.ROOT, "%.0f euros are %.0f US dollars.", euros, euros * 1.1);
        }
    }
    // readme:shop-tools-end

    public static void main(String[] args) {
        List<String> tasks = args.length > 0 ? List.of(String.join(" ", args))
                : List.of("Find the price of the laptop, then convert it to US dollars.",
                        "Is the phone cheaper than 1000 US dollars?");
        // readme:shop-agent-begin
        Vertx vertx = Vertx.vertx();
        try (CascadeRouter router = CascadeRouter.builder(vertx).build();     // the embedded two-tier cascade
             Agent agent = Agent.builder()
                     .router(router)
                     .tools(new Shop())
                     .systemPrompt("You answer questions about the shop. Call one tool at a time. First find the price with"
                             + " the priceOf tool, then convert it with toUsDollars, then give the final answer with final_answer.")
                     .maxSteps(6)
                     .timeBudget(Duration.ofMinutes(5))
                     .build()) {
            for (String task : tasks) {
                AgentResult result = agent.run(task);
                System.out.println("task: " + task);
                result.steps().forEach(step -> System.out.println("  " + AgentTrace.describe(step)));    // routing, calls, results
                // An answer only with FINAL_ANSWER; any other stop reason says what ended the run, and detail() how.
                System.out.println("  answer: " + result.answer() + "  (" + result.stopReason() + ": " + result.detail()
                        + ", " + result.elapsed().toMillis() + " ms)");
            }
        } finally {
            vertx.close().await();                                             // Vert.x's threads would keep the JVM running
        }
        // readme:shop-agent-end
    }
}
