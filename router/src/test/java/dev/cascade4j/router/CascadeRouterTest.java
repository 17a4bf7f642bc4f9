package dev.cascade4j.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.inference.source.ModelStore;
import dev.cascade4j.router.config.LargeModelConfig;
import dev.cascade4j.router.config.LocalModelConfig;
import dev.cascade4j.router.config.Route;
import dev.cascade4j.router.config.RouterConfig;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The router end to end on real models: SmolLM2 as the SLM, a second SmolLM2 instance behind an
 * OpenAI-compatible HTTP server as the large model (reached through langchain4j's OpenAiChatModel),
 * and the real all-MiniLM-L6-v2 encoder. Only what a model shows is here: the whole path on real
 * parts, answers a grammar forces past a relaxed schema keyword, a real generation cancelled at its
 * deadline, an SLM's vote under an enum grammar, the engine's own refusal. Every branch of the routing
 * itself is in {@link CascadeRouterBranchTest}, on scripted models.
 */
class CascadeRouterTest {
    /** The embedded routes on SmolLM2, the tiny model of the fast tests, with no large tier. */
    static final String SMOLLM = "smollm2-135m";

    static RouterConfig tinyDefaults() {
        return RouterConfig.defaults().withSlm(SMOLLM).withoutLargeModels();
    }

    static final String SLM = SMOLLM;
    static final ObjectMapper JSON = new ObjectMapper();

    static Vertx vertx;
    static LocalModel slm;
    static LocalModel teacherModel;
    static OpenAiCompatibleServer teacher;
    static EmbeddingModel encoder;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        var path = ModelStore.defaultStore().resolve(SLM);
        LocalModelOptions options = LocalModelOptions.defaults().withParallelSequences(2).withContextPerSequence(2048);
        slm = LocalModel.load(path, options);
        teacherModel = LocalModel.load(path, options.withThreads(1));
        teacher = OpenAiCompatibleServer.start(vertx, teacherModel);
        encoder = new AllMiniLmL6V2QuantizedEmbeddingModel();
    }

    @AfterAll
    static void stop() throws Exception {
        teacher.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
        teacherModel.close();
        slm.close();
    }

    static LargeModelConfig openAi(String name, String baseUrl) {
        return new LargeModelConfig.OpenAi(name, baseUrl, null, null, "smollm2-teacher", Duration.ofSeconds(120), 0);
    }

    /** The default configuration with the teacher as default target, one route changed. */
    static RouterConfig withTeacher(String route, UnaryOperator<Route.Builder> change) {
        RouterConfig d = tinyDefaults();
        return d.toBuilder().route(change.apply(d.route(route).toBuilder()).build())
                .largeModel(openAi("teacher", teacher.baseUrl())).escalateTo("teacher").build();
    }

    static CascadeRouter router(RouterConfig config, SimpleMeterRegistry registry) {
        return CascadeRouter.builder(vertx).config(config).localModel(SLM, slm).embeddingModel(encoder).meterRegistry(registry).build();
    }

    static CascadeRouter router(RouterConfig config) {
        return router(config, new SimpleMeterRegistry());
    }

    static <T> T await(Future<T> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(180, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    static Throwable failure(Future<?> f) throws Exception {
        try {
            f.toCompletionStage().toCompletableFuture().get(180, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected the future to fail");
    }

    /** A classified subtask with a deadline generous enough for a busy machine (the default is 60 s). */
    static Subtask subtask(GenerationRequest request) {
        return Subtask.of(request).withDeadline(Duration.ofMinutes(5));
    }

    static GenerationRequest ask(String text, int maxTokens) {
        return GenerationRequest.builder().user(text).maxTokens(maxTokens).build();
    }

    static final String SUMMARY_TASK = "Summarize this in one sentence: The city council voted on Tuesday to expand the bike lane "
            + "network by 40 kilometres over the next two years, funded by a new parking fee in the centre.";

    @Test
    void keepsAConfidentAnswerOnTheSlmAndPublishesIt() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (CascadeRouter router = router(withTeacher("summarize", r -> r.minGenerationConfidence(0)), registry)) {
            CompletableFuture<RoutedAnswer> published = new CompletableFuture<>();
            var consumer = vertx.eventBus().<RoutedAnswer>consumer(Router.ROUTED_ADDRESS, m -> published.complete(m.body()));
            await(consumer.completion());
            int before = teacher.requests.get();

            RoutedAnswer a = await(router.route(subtask(ask(SUMMARY_TASK, 40))));

            RoutingDecision d = a.decision();
            assertEquals("summarize", d.route(), d.detail());
            assertFalse(d.escalated());
            assertFalse(d.fallback());
            assertEquals(EscalationReason.NONE, d.reason());
            assertEquals(SMOLLM, d.model());
            assertTrue(d.classifierConfidence() > 0.5 && d.classifierConfidence() <= 1, d.detail());
            assertTrue(d.generationConfidence() >= 0 && d.generationConfidence() <= 1);
            assertTrue(d.detail().startsWith("generation confidence"), d.detail());
            assertSame(a.slmAnswer(), a.answer());
            assertNull(a.teacherAnswer());
            assertFalse(a.answer().text().isBlank());
            assertEquals(before, teacher.requests.get());
            assertTrue(a.routerTime().compareTo(a.latency()) < 0, a.routerTime() + " vs " + a.latency());
            assertEquals(a.subtask().id(), published.get(10, TimeUnit.SECONDS).subtask().id());
            await(consumer.unregister());

            assertEquals(1, registry.get("cascade4j.router.requests").tag("route", "summarize").counter().count());
            assertEquals(1, registry.get("cascade4j.router.slm.handled").tag("route", "summarize").counter().count());
            assertTrue(registry.get("cascade4j.router.tokens").tag("direction", "out").tag("tier", "slm").counter().count() > 0);
            assertEquals(1, registry.get("cascade4j.router.latency").tag("route", "summarize").timer().count());
            System.gc(); // gauges must survive a collection: their suppliers are held by nothing else
            double ratio = registry.get("cascade4j.router.cache.hit.ratio").tag("cache", "classification").gauge().value();
            assertTrue(ratio >= 0 && ratio <= 1, "hit ratio " + ratio);
            assertEquals(1, registry.get("cascade4j.router.cache.misses").tag("cache", "classification").functionCounter().count());
        }
    }

    @Test
    void lowGenerationConfidenceEscalatesToTheLargeModel() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (CascadeRouter router = router(withTeacher("summarize", r -> r.minGenerationConfidence(1.0)), registry)) {
            int before = teacher.requests.get();
            RoutedAnswer a = await(router.route(subtask(ask(SUMMARY_TASK, 40))));
            RoutingDecision d = a.decision();
            assertTrue(d.escalated(), d.detail());
            assertEquals(EscalationReason.LOW_GENERATION_CONFIDENCE, d.reason());
            assertTrue(d.detail().matches("generation confidence \\d\\.\\d\\d < 1\\.00.*"), d.detail());
            assertEquals("teacher", d.model());
            assertNotNull(a.slmAnswer());
            assertNotNull(a.teacherAnswer());
            assertSame(a.teacherAnswer(), a.answer());
            assertFalse(a.answer().text().isBlank());
            assertEquals(before + 1, teacher.requests.get());
            assertEquals(1, registry.get("cascade4j.router.escalations").tag("reason", "LOW_GENERATION_CONFIDENCE").counter().count());
        }
    }

    @Test
    void outputThatFailsTheRoutesSchemaEscalates() throws Exception {
        // The grammar enforces the enum; "not" is checked only after generation, and no value the grammar
        // allows passes it, so whatever the model picks fails validation on every CPU.
        JsonNode schema = JSON.readTree("""
                {"type":"object","properties":{"server":{"type":"string","enum":["atlas","basement"],
                 "not":{"enum":["atlas","basement"]}}},"required":["server"]}""");
        try (CascadeRouter router = router(withTeacher("extract", r -> r.outputSchema(schema).minGenerationConfidence(0)))) {
            RoutedAnswer a = await(router.route(subtask(ask(
                    "Extract the server from this note: the nightly backup runs on the machine called atlas in the basement.", 40))
                    .withRouteHint("extract")));
            RoutingDecision d = a.decision();
            assertEquals(EscalationReason.INVALID_OUTPUT, d.reason(), d.detail() + " / SLM said " + a.slmAnswer().text());
            assertTrue(d.escalated());
            assertTrue(d.detail().contains("output schema"), d.detail());
            assertNotNull(a.teacherAnswer());
        }
    }

    @Test
    void toolArgumentsThatFailTheToolsSchemaEscalate() throws Exception {
        // As above: the grammar forces one of the enum's addresses, which the relaxed "not" then rejects.
        ToolSpec notify = new ToolSpec("notify", "Send a message to an email address", JSON.readTree("""
                {"type":"object","properties":{"email":{"type":"string","enum":["bob@example.com"],"not":{"const":"bob@example.com"}},
                 "message":{"type":"string","maxLength":40}},"required":["email","message"]}"""));
        try (CascadeRouter router = router(withTeacher("tool_call", r -> r.minGenerationConfidence(0)))) {
            GenerationRequest request = GenerationRequest.builder().user("Tell Bob that the build failed.")
                    .tools(List.of(notify)).toolChoice(ToolChoice.REQUIRED).maxTokens(60).build();
            RoutedAnswer a = await(router.route(subtask(request).withRouteHint("tool_call")));
            RoutingDecision d = a.decision();
            assertEquals(EscalationReason.INVALID_TOOL_ARGUMENTS, d.reason(), d.detail() + " / SLM called " + a.slmAnswer().toolCalls());
            assertTrue(d.escalated());
            assertTrue(d.detail().startsWith("arguments of notify fail its schema"), d.detail());
            assertTrue(a.slmAnswer().hasToolCalls());
            assertTrue(a.teacherAnswer().hasToolCalls(), "the teacher was offered the tool: " + a.teacherAnswer());
        }
    }

    @Test
    void aTimedOutSlmCallIsCancelledAndEscalates() throws Exception {
        try (CascadeRouter router = router(withTeacher("summarize", r -> r.minGenerationConfidence(0)))) {
            Subtask s = subtask(ask("Write a very long story about a dragon who learns to bake bread.", 400))
                    .withRouteHint("summarize").withDeadline(Duration.ofMillis(300));
            RoutedAnswer a = await(router.route(s));
            RoutingDecision d = a.decision();
            assertEquals(EscalationReason.SLM_TIMEOUT, d.reason(), d.detail());
            assertTrue(d.escalated());
            assertEquals(FinishReason.CANCELLED, a.slmAnswer().finishReason());
            assertTrue(a.slmAnswer().usage().completionTokens() < 400, "cut short: " + a.slmAnswer().usage());
            assertTrue(d.detail().contains("deadline of 300 ms"), d.detail());
            assertNotNull(a.teacherAnswer());
        }
    }

    @Test
    void aSecondOpinionFromTheSlmAdjustsTheClassifierConfidence() throws Exception {
        RouterConfig d0 = tinyDefaults();
        RouterConfig config = d0.toBuilder()
                .classifier(d0.classifier().withSecondOpinion(true, 15))
                .route(d0.route("summarize").toBuilder().minClassifierConfidence(0).minGenerationConfidence(0).build())
                .build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (CascadeRouter router = router(config, registry)) {
            RoutedAnswer a = await(router.route(subtask(ask(SUMMARY_TASK, 10))));
            RoutingDecision d = a.decision();
            assertEquals("summarize", d.route(), d.detail());
            assertTrue(d.detail().contains("SLM agrees") || d.detail().contains("SLM says"), d.detail());
        }
    }

    @Test
    void aPromptLongerThanTheContextIsTheCallersError() throws Exception {
        try (CascadeRouter router = router(tinyDefaults())) {
            String huge = "word ".repeat(4000);
            Throwable e = failure(router.route(subtask(ask("Summarize: " + huge, 10)).withRouteHint("summarize")));
            assertInstanceOf(RouterException.InvalidRequest.class, e);
            assertTrue(e.getMessage().contains("context"), e.getMessage());
        }
    }
}
