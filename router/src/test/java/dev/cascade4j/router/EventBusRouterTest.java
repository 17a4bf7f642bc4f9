package dev.cascade4j.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.source.ModelStore;
import dev.cascade4j.router.config.LocalModelConfig;
import dev.cascade4j.router.config.RouterConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A Java program sends subtasks on the event bus to a RouterVerticle and gets answers with their decisions. */
class EventBusRouterTest {
    /** The embedded routes on SmolLM2, the tiny model of the fast tests, with no large tier. */
    static final String SMOLLM = "smollm2-135m";

    static RouterConfig tinyDefaults() {
        return RouterConfig.defaults().withSlm(SMOLLM).withoutLargeModels();
    }

    static Vertx vertx;
    static LocalModel slm;
    static CascadeRouter router;
    static String deployment;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        slm = LocalModel.load(ModelStore.defaultStore().resolve(SMOLLM),
                LocalModelOptions.defaults().withParallelSequences(2).withContextPerSequence(2048));
        RouterConfig config = tinyDefaults().toBuilder()
                .localModel(LocalModelConfig.of(SMOLLM).withMaxInFlight(1)).build();
        router = CascadeRouter.builder(vertx).config(config).localModel(SMOLLM, slm).build();
        deployment = await(vertx.deployVerticle(RouterVerticle.serving(router)));
    }

    @AfterAll
    static void stop() throws Exception {
        await(vertx.undeploy(deployment));
        router.close();
        await(vertx.close());
        slm.close();
    }

    static <T> T await(Future<T> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(180, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        }
    }

    @Test
    void aSubtaskTravelsTheBusAndComesBackWithItsDecision() throws Exception {
        EventBusRouter client = await(EventBusRouter.connect(vertx));
        assertEquals(router.routes(), client.routes());
        assertEquals(List.of(SMOLLM), client.localModels());

        Subtask subtask = Subtask.of(GenerationRequest.builder()
                .user("Classify the sentiment of this review: the battery died after two days.").maxTokens(8).build())
                .withDeadline(Duration.ofMinutes(5));
        RoutedAnswer answer = await(client.route(subtask));
        assertEquals(subtask.id(), answer.decision().subtaskId());
        assertEquals("classify", answer.decision().route(), answer.decision().detail());
        assertFalse(answer.decision().detail().isBlank());
        assertFalse(answer.answer().text().isBlank());
    }

    @Test
    void failuresKeepTheirTypeAcrossTheBus() throws Exception {
        EventBusRouter client = await(EventBusRouter.connect(vertx));
        Exception unknown = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> await(client.route(Subtask.of(GenerationRequest.builder().user("hi").build()).withRouteHint("nope"))));
        assertInstanceOf(RouterException.UnknownRoute.class, unknown);

        // maxInFlight is 1: of three subtasks sent at once, two are refused with a Retry-After
        List<Future<RoutedAnswer>> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            all.add(client.route(Subtask.of(GenerationRequest.builder().user("Summarize: it rained all day.").maxTokens(8).build())
                    .withRouteHint("summarize").withDeadline(Duration.ofMinutes(5))));
        }
        int overloaded = 0;
        for (Future<RoutedAnswer> f : all) {
            try {
                await(f);
            } catch (RouterException.Overloaded e) {
                overloaded++;
                assertTrue(e.retryAfter().toSeconds() >= 1);
            }
        }
        assertEquals(2, overloaded);
    }

    @Test
    void withoutAVerticleTheClientSaysWhatIsMissing() throws Exception {
        Vertx other = Vertx.vertx();
        try {
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> await(EventBusRouter.connect(other)));
            assertInstanceOf(RouterException.class, e);
            assertTrue(e.getMessage().contains("deploy a RouterVerticle"), e.getMessage());
        } finally {
            await(other.close());
        }
    }
}
