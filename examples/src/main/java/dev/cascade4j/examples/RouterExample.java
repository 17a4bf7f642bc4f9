package dev.cascade4j.examples;

import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.router.EventBusRouter;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.RouterVerticle;
import dev.cascade4j.router.Subtask;
import dev.cascade4j.router.config.RouterConfig;
import dev.langchain4j.model.openai.OpenAiChatModel;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sends subtasks on the event bus to a router verticle and prints each answer with its routing
 * decision. Run with an optional router configuration file (YAML or JSON); without one it uses the
 * embedded defaults (five routes on SmolLM2, no large model).
 */
public final class RouterExample {
    private RouterExample() {
    }

    public static void main(String[] args) throws Exception {
        RouterConfig config = args.length > 0 ? RouterConfig.load(Path.of(args[0])) : RouterConfig.defaults();
        Vertx vertx = Vertx.vertx();
        try {
            // The verticle builds (and later closes) the router on a worker: loading models blocks.
            vertx.deployVerticle(RouterVerticle.building(v -> CascadeRouter.builder(v).config(config).build()))
                    .toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
            EventBusRouter router = EventBusRouter.connect(vertx).toCompletionStage().toCompletableFuture().get();
            List<String> subtasks = List.of(
                    "Classify the sentiment of this review: the battery died after two days.",
                    "Summarize this: the council voted to extend the bike lanes by 40 km, paid for by a new parking fee.",
                    "Plan a zero-downtime migration of our database to another cloud provider.");
            for (String text : subtasks) {
                Future<RoutedAnswer> answer = router.route(Subtask.of(GenerationRequest.builder().user(text).maxTokens(48).build()));
                RoutedAnswer a = answer.toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
                System.out.println("> " + text);
                System.out.println("  route=" + a.decision().route() + " model=" + a.decision().model()
                        + " escalated=" + a.decision().escalated() + " fallback=" + a.decision().fallback()
                        + " reason=" + a.decision().reason());
                System.out.println("  why: " + a.decision().detail());
                System.out.println("  answer: " + a.answer().text().strip().replace('\n', ' '));
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
    }

    /** README's router example, compiled here: a configured router with a hosted large model, served on the event bus. */
    static void withHostedLargeModel(Vertx vertx, String key, PrometheusMeterRegistry prometheusRegistry) {
        // readme:router-begin
        CascadeRouter router = CascadeRouter.builder(vertx)
                .config(RouterConfig.load(Path.of("router.yaml")))       // or RouterConfig.defaults()
                .largeModel("gpt", OpenAiChatModel.builder().apiKey(key).modelName("gpt-4o-mini").build())
                .meterRegistry(prometheusRegistry)
                .build();                                                // loads models: call off the event loop
        vertx.deployVerticle(RouterVerticle.serving(router));

        // anywhere on the same event bus
        EventBusRouter.connect(vertx)
                .compose(client -> client.route(Subtask.of(GenerationRequest.builder().user("Summarize: ...").build())))
                .onSuccess(a -> System.out.println(a.decision() + " -> " + a.answer().text()));
        // readme:router-end
    }
}
