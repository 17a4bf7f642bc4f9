package com.example;

// readme:starter-begin
import dev.cascade4j.agent.Agent;
import dev.cascade4j.agent.AgentResult;
import dev.cascade4j.agent.CascadeChatModel;
import dev.cascade4j.router.CascadeRouter;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;

public class Starter {
    public static class Shop {
        private final Map<String, Integer> prices = Map.of("laptop", 1200, "phone", 800);

        @Tool("Looks up the price in euros of a product in the shop")
        public String priceOf(@P("the product's name") String product) {
            return "The " + product + " costs " + prices.get(product.toLowerCase()) + " euros.";
        }

        @Tool("Converts an amount of euros into US dollars")
        public String toUsDollars(@P("the amount in euros") double euros) {
            return euros + " euros are " + Math.round(euros * 1.1) + " US dollars.";
        }
    }

    record Contact(String name, String email, String city) {}

    interface Extractor {
        Contact extract(String text);
    }

    public static void main(String[] args) {
        Vertx vertx = Vertx.vertx();
        // The embedded two-tier cascade: Qwen2.5-Coder-0.5B, escalating to Qwen2.5-Coder-1.5B (fetched on first use).
        try (CascadeRouter router = CascadeRouter.builder(vertx).build()) {
            try (Agent agent = Agent.builder()
                    .router(router)
                    .tools(new Shop())
                    .systemPrompt("Find the price with priceOf, convert it with toUsDollars, then call final_answer.")
                    .maxSteps(6)
                    .timeBudget(Duration.ofMinutes(5))
                    .build()) {
                AgentResult result = agent.run("Find the price of the laptop, then convert it to US dollars.");
                System.out.println("agent: " + result.answer() + " (" + result.stopReason() + ", "
                        + result.steps().size() + " steps, escalated: " + result.escalated() + ")");
            }

            Extractor extractor = AiServices.create(Extractor.class, CascadeChatModel.builder().router(router).build());
            Contact contact = extractor.extract("Extract the contact: Maria Lopez, maria.lopez@example.com, lives in Madrid.");
            System.out.println("extracted: " + contact);
        } finally {
            vertx.close().await(); // Vert.x's threads would keep the JVM running
        }
    }
}
// readme:starter-end
