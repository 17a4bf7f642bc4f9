package dev.cascade4j.examples;

import dev.cascade4j.agent.Agent;
import dev.cascade4j.agent.AgentResult;
import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.router.Router;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * A customer-support agent with four real tools over the shop's data file ({@link SupportDesk}: orders,
 * customers, shipments, tickets), on the embedded router. It answers one question and prints the trace:
 * each step's route and confidence, whether it escalated, the calls and their results, then the answer.
 * Run it with {@code ./cascade4j support [QUESTION]}.
 */
public final class SupportAgentExample {
    static final String DEFAULT_QUESTION = "Where is my order A-1038? It has still not arrived.";

    private SupportAgentExample() {
    }

    public static void main(String[] args) {
        String question = args.length > 0 ? String.join(" ", args) : DEFAULT_QUESTION;
        SupportDesk desk = SupportDesk.load();                                 // orders.json: customers, orders, shipments
        Vertx vertx = Vertx.vertx();
        try (CascadeRouter router = CascadeRouter.builder(vertx).build();     // the embedded two-tier cascade
             Agent agent = agent(router, desk, 8, Duration.ofMinutes(5))) {
            AgentResult result = agent.run(question);
            System.out.println("question: " + question);
            result.steps().forEach(step -> System.out.println("  " + AgentTrace.describe(step)));
            long escalated = result.steps().stream().filter(s -> s.decision().escalated()).count();
            System.out.println("  " + result.steps().size() + " steps, " + escalated + " escalated to the large model"
                    + (desk.tickets().isEmpty() ? "" : ", tickets opened: " + desk.tickets()));
            System.out.println("answer: " + (result.answered() ? result.answer() : "none (" + result.stopReason() + ": " + result.detail() + ")"));
        } finally {
            vertx.close().await();                                             // Vert.x's threads would keep the JVM running
        }
    }

    /** The agent: the desk's tools, and a prompt that says which tool serves which question. */
    // readme:support-builder-begin
    static Agent agent(Router router, SupportDesk desk, int maxSteps, Duration budget) {
        return Agent.builder()
                .router(router)
                .tools(desk)                                                  // findOrder, ordersOfCustomer, shipmentStatus, openTicket
                .systemPrompt("You are the support agent of an outdoor shop. Call one tool at a time. For a delivery question,"
                        + " call shipmentStatus with the order number; for what an order holds or costs, call findOrder; with only"
                        + " the customer's e-mail address, list their orders with ordersOfCustomer. Open a ticket with openTicket"
                        + " only when a shipment is delayed or held, or the problem cannot be solved from the data."
                        + " Then answer the customer with final_answer, in two sentences at most.")
                .maxSteps(maxSteps)
                .timeBudget(budget)
                .build();
    }
    // readme:support-builder-end
}
