package dev.cascade4j.examples;

import dev.cascade4j.agent.Agent;
import dev.cascade4j.agent.AgentResult;
import dev.cascade4j.agent.AgentStep;
import dev.cascade4j.router.CascadeRouter;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import io.vertx.core.Vertx;
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
    public static final class Shop {
        // Sorted, so the list in an error message (and so the prompt) is the same on every run.
        private final Map<String, Integer> prices = new TreeMap<>(Map.of("laptop", 1200, "phone", 800, "bicycle", 450));

        @Tool("Looks up the price in euros of a product in the shop")
        public String priceOf(@P("the product's name, e.g. laptop") String product) {
            Integer euros = prices.get(product.strip().toLowerCase(Locale.ROOT));
            if (euros == null) {
                throw new IllegalArgumentException("no product named " + product + "; the shop sells " + prices.keySet());
            }
            // A result that says what it is: a bare "1200" leaves a small model unsure whether it is already converted.
            return "The " + product.strip() + " costs " + euros + " euros.";
        }

        @Tool("Converts an amount of euros into US dollars")
        public String toUsDollars(@P("the amount in euros") double euros) {
            return String.format(Locale.ROOT, "%.0f euros are %.0f US dollars.", euros, euros * 1.1);
        }
    }

    public static void main(String[] args) {
        List<String> tasks = args.length > 0 ? List.of(String.join(" ", args))
                : List.of("Find the price of the laptop, then convert it to US dollars.",
                        "Is the phone cheaper than 1000 US dollars?");
        Vertx vertx = Vertx.vertx();
        try (CascadeRouter router = CascadeRouter.builder(vertx).build();
             Agent agent = Agent.builder()
                     .router(router)
                     .tools(new Shop())
                     .systemPrompt("You answer questions about the shop. Call one tool at a time. First find the price with the priceOf tool,"
                             + " then convert it with toUsDollars, then give the final answer with final_answer.")
                     .maxSteps(6)
                     .build()) {
            for (String task : tasks) {
                System.out.println("task: " + task);
                AgentResult result = agent.run(task);
                for (AgentStep step : result.steps()) {
                    var d = step.decision();
                    // Without a large model, an answer the router would have escalated comes back marked as fallback.
                    String served = d.escalated() ? "escalated to " + d.model() + " (" + d.reason() + ")"
                            : d.fallback() ? "SLM, low confidence" : "SLM " + d.model();
                    // No SLM confidence when the step went straight to the large model.
                    String confidence = Double.isNaN(d.generationConfidence()) ? "   -" : String.format(Locale.ROOT, "%.2f", d.generationConfidence());
                    System.out.printf("  step %d  route %-9s confidence %s  %-36s %s%n", step.index(), d.route(), confidence,
                            served, describe(step));
                }
                System.out.println("  answer: " + result.answer() + "  (" + result.stopReason() + ", " + result.elapsed().toMillis() + " ms)");
            }
        } finally {
            vertx.close().await();
        }
    }

    private static String describe(AgentStep step) {
        if (step.toolCalls().isEmpty()) {
            return "text: " + step.text();
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < step.toolCalls().size(); i++) {
            var call = step.toolCalls().get(i);
            sb.append(call.name()).append(call.arguments());
            if (i < step.results().size()) {
                sb.append(" -> ").append(step.results().get(i).content());
            }
            sb.append("  ");
        }
        return sb.toString().strip();
    }
}
