package dev.cascade4j.examples;

import dev.cascade4j.agent.CascadeChatModel;
import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.Router;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.UserMessage;
import io.vertx.core.Vertx;

/**
 * A langchain4j AiService that extracts a record, on the router: the request asks for JSON, so it goes
 * to a structured-output route, and every component of the record is required, so the grammar makes
 * the model write each one. Run it with {@code ./cascade4j extract [TEXT]}.
 */
public final class ExtractionExample {
    private ExtractionExample() {
    }

    // readme:extraction-begin
    record Contact(String name, String email, String city) {
    }

    interface Extractor {
        @UserMessage("Extract the contact's name, e-mail address and city from this text: {{it}}")
        Contact extract(String text);
    }

    public static void main(String[] args) {
        String text = args.length > 0 ? String.join(" ", args)
                : "Hi, this is Maria Lopez from Madrid. You can reach me at maria.lopez@example.com.";
        Vertx vertx = Vertx.vertx();
        try (CascadeRouter router = CascadeRouter.builder(vertx).build()) {     // the embedded two-tier cascade
            // Each routed call is published on the event bus: print how it was served.
            vertx.eventBus().<RoutedAnswer>localConsumer(Router.ROUTED_ADDRESS, m -> System.out.println("routed: " + m.body().decision()));
            Extractor extractor = AiServices.create(Extractor.class, CascadeChatModel.builder().router(router).build());
            System.out.println(extractor.extract(text));
        } finally {
            vertx.close().await();                                              // Vert.x's threads would keep the JVM running
        }
    }
    // readme:extraction-end
}
