package dev.cascade4j.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.router.config.EscalationConfig;
import dev.cascade4j.router.config.LocalModelConfig;
import dev.cascade4j.router.config.Route;
import dev.cascade4j.router.config.RoutePolicy;
import dev.cascade4j.router.config.RouterConfig;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every plan of the routing policy carried out by the router, on scripted models: an SLM and a second
 * local model that answer what each test scripts with the confidence it scripts, a large model that
 * answers, fails or waits, and an encoder that matches keywords. No model is loaded; what a real model
 * shows (grammars, cancelling a real generation, the engine's own errors) stays in {@link CascadeRouterTest}.
 */
class CascadeRouterBranchTest {
    static final String SLM = "scripted-slm";
    static final String OTHER = "scripted-other";
    static final ObjectMapper JSON = new ObjectMapper();
    static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** One dimension per word it knows, plus a constant: texts that share words are similar, others are not. */
    static final EmbeddingModel KEYWORDS = new EmbeddingModel() {
        final List<String> words = List.of("summarize", "text", "extract", "fields", "reason", "plan", "hello", "friend",
                "tool", "timer", "minutes", "weather", "city", "alarms");

        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            return Response.from(segments.stream().map(s -> {
                float[] v = new float[words.size() + 1];
                for (String w : s.text().toLowerCase(Locale.ROOT).split("[^a-z]+")) {
                    int i = words.indexOf(w);
                    if (i >= 0) {
                        v[i] += 1;
                    }
                }
                v[words.size()] = 0.1f;
                return Embedding.from(v);
            }).toList());
        }
    };

    /** A large model that answers, fails, or holds its caller until released. */
    static final class Teacher implements ChatModel {
        final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release;
        final RuntimeException failure;

        Teacher(RuntimeException failure, boolean holds) {
            this.failure = failure;
            this.release = new CountDownLatch(holds ? 1 : 0);
        }

        @Override
        public ChatResponse doChat(ChatRequest request) {
            requests.add(request);
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw failure;
            }
            return ChatResponse.builder().aiMessage(AiMessage.from("the teacher's answer")).build();
        }
    }

    static final JsonNode NAME_SCHEMA = json("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"required\":[\"name\"]}");

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static RouterConfig.Builder base() {
        Set<RequestShape> text = Set.of(RequestShape.TEXT, RequestShape.STRUCTURED);
        return RouterConfig.builder().defaultModel(OTHER)
                .localModel(LocalModelConfig.of(SLM).withName("slm"))
                .localModel(LocalModelConfig.of(OTHER).withName("other"))
                .classifier(RouterConfig.defaults().classifier().withOutOfScopeExamples(List.of("hello friend")))
                .route(Route.builder("summarize").example("summarize the text").model(SLM).systemPrompt("You summarize.")
                        .minClassifierConfidence(0.6).minGenerationConfidence(0.5).shapes(text).build())
                .route(Route.builder("extract").example("extract the fields").model(SLM).outputSchema(NAME_SCHEMA)
                        .minGenerationConfidence(0.5).shapes(text).build())
                .route(Route.builder("reason").example("reason about the plan").model(SLM).policy(RoutePolicy.ALWAYS_LARGE).shapes(text).build())
                .route(Route.builder("tools").example("call the tool").model(SLM).rankTools(true).minGenerationConfidence(0.5)
                        .shapes(Set.of(RequestShape.TOOLS, RequestShape.TOOL_RESULT)).build());
    }

    final ScriptedModel slm = new ScriptedModel("slm");
    final ScriptedModel other = new ScriptedModel("other");
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    CascadeRouter router(RouterConfig config, Teacher teacher) {
        CascadeRouter.Builder b = CascadeRouter.builder(vertx).config(config).localModel(SLM, slm).localModel(OTHER, other)
                .embeddingModel(KEYWORDS).meterRegistry(registry);
        return (teacher == null ? b : b.largeModel("teacher", teacher)).build();
    }

    CascadeRouter withTeacher(Teacher teacher) {
        return router(base().escalateTo("teacher").build(), teacher);
    }

    CascadeRouter withoutTeacher() {
        return router(base().build(), null);
    }

    static Teacher answering() {
        return new Teacher(null, false);
    }

    static Subtask ask(String text) {
        return Subtask.of(GenerationRequest.builder().user(text).maxTokens(20).build()).withDeadline(Duration.ofMinutes(2));
    }

    static <T> T await(Future<T> f) throws Exception {
        return RetryAfterTest.await(f);
    }

    static Throwable failure(Future<?> f) throws Exception {
        return RetryAfterTest.failure(f);
    }

    double count(String meter, String tag, String value) {
        var found = registry.find("cascade4j.router." + meter).tag(tag, value).counter();
        return found == null ? 0 : found.count();
    }

    // ---- the SLM's answer is kept ----

    @Test
    void aConfidentAnswerIsKeptOnTheSlmPublishedAndMetered() throws Exception {
        slm.says("It rained all day.", 0.9);
        Teacher teacher = answering();
        try (CascadeRouter router = withTeacher(teacher)) {
            CompletableFuture<RoutedAnswer> published = new CompletableFuture<>();
            var consumer = vertx.eventBus().<RoutedAnswer>consumer(Router.ROUTED_ADDRESS, m -> published.complete(m.body()));
            await(consumer.completion());
            RoutedAnswer a = await(router.route(ask("Summarize the text: it rained all day.")));
            // Delivery is asynchronous: the consumer stays until the event has arrived.
            assertEquals(a.subtask().id(), published.get(60, TimeUnit.SECONDS).subtask().id());
            await(consumer.unregister());

            RoutingDecision d = a.decision();
            assertEquals("summarize", d.route(), d.detail());
            assertEquals(EscalationReason.NONE, d.reason());
            assertFalse(d.escalated() || d.fallback());
            assertEquals("slm", d.model());
            assertEquals(0.9, d.generationConfidence(), 1e-9);
            assertTrue(d.detail().startsWith("generation confidence 0.90 >= 0.50; classified summarize 1.00"), d.detail());
            assertSame(a.slmAnswer(), a.answer());
            assertEquals(InetAddress.getLocalHost().getHostName(), a.answer().node(), "by default the router's node is the host's name");
            assertNull(a.teacherAnswer());
            assertTrue(teacher.requests.isEmpty());
            assertEquals(ChatMessage.system("You summarize."), slm.requests.getFirst().messages().getFirst(), "the route's system prompt");
            assertEquals(1, count("requests", "route", "summarize"));
            assertEquals(1, count("slm.handled", "route", "summarize"));
        }
    }

    @Test
    void aRankingRouteOffersTheMostRelevantToolFirstUnlessTheOrderIsKept() throws Exception {
        JsonNode none = json("{\"type\":\"object\",\"properties\":{}}");
        List<ToolSpec> tools = List.of(new ToolSpec("get_weather", "Current weather for a city.", none),
                new ToolSpec("list_alarms", "List the alarms.", none),
                new ToolSpec("set_timer", "Start a countdown timer for a number of minutes.",
                        json("{\"type\":\"object\",\"properties\":{\"minutes\":{\"type\":\"integer\"}}}")));
        GenerationRequest request = GenerationRequest.builder().user("Set a timer for 12 minutes.").tools(tools)
                .toolChoice(ToolChoice.REQUIRED).maxTokens(40).build();
        slm.calls("set_timer", "{\"minutes\":12}", 0.9);
        try (CascadeRouter router = withoutTeacher()) {
            RoutedAnswer ranked = await(router.route(Subtask.of(request)));
            assertEquals("tools", ranked.decision().route());
            assertTrue(ranked.decision().detail().contains("tools offered by relevance, set_timer first"), ranked.decision().detail());
            assertEquals("set_timer", slm.requests.get(0).tools().getFirst().name());

            RoutedAnswer kept = await(router.route(new Subtask(null, request, null, null, null, true)));
            assertFalse(kept.decision().detail().contains("tools offered by relevance"), kept.decision().detail());
            assertEquals("get_weather", slm.requests.get(1).tools().getFirst().name());
        }
    }

    // ---- the judge sends it to the large model ----

    @Test
    void lowGenerationConfidenceEscalatesWithTheSlmsRequest() throws Exception {
        slm.says("Maybe rain?", 0.2);
        Teacher teacher = answering();
        try (CascadeRouter router = withTeacher(teacher)) {
            RoutedAnswer a = await(router.route(ask("it rained all day").withRouteHint("summarize")));
            RoutingDecision d = a.decision();
            assertEquals(EscalationReason.LOW_GENERATION_CONFIDENCE, d.reason());
            assertTrue(d.escalated());
            assertEquals("teacher", d.model());
            assertEquals("generation confidence 0.20 < 0.50; route named by the caller", d.detail());
            assertEquals(0.2, d.generationConfidence(), 1e-9);
            assertSame(a.teacherAnswer(), a.answer());
            assertEquals("the teacher's answer", a.answer().text());
            assertEquals("Maybe rain?", a.slmAnswer().text());
            assertTrue(teacher.requests.getFirst().messages().toString().contains("You summarize."), "the teacher gets the SLM's request");
            assertEquals(1, count("escalations", "reason", "LOW_GENERATION_CONFIDENCE"));
        }
    }

    @Test
    void anAnswerThatFailsTheRoutesSchemaEscalates() throws Exception {
        slm.says("{\"title\": 1}", 0.99);
        try (CascadeRouter router = withTeacher(answering())) {
            RoutedAnswer a = await(router.route(ask("Extract the fields: Ada, 36").withRouteHint("extract")));
            assertEquals(EscalationReason.INVALID_OUTPUT, a.decision().reason(), a.decision().detail());
            assertTrue(a.decision().escalated());
            assertTrue(a.decision().detail().startsWith("the answer fails route extract's output schema"), a.decision().detail());
            assertEquals(ResponseFormat.jsonSchema(NAME_SCHEMA), slm.requests.getFirst().responseFormat(), "the route's schema is asked for");
        }
    }

    @Test
    void toolArgumentsThatFailTheToolsSchemaEscalate() throws Exception {
        ToolSpec notify = new ToolSpec("notify", "Send a message to an email address", json("""
                {"type":"object","properties":{"email":{"type":"string"},"message":{"type":"string"}},"required":["email","message"]}"""));
        slm.calls("notify", "{\"message\":\"the build failed\"}", 0.99);
        try (CascadeRouter router = withTeacher(answering())) {
            GenerationRequest request = GenerationRequest.builder().user("Tell Bob the build failed.").tools(List.of(notify))
                    .toolChoice(ToolChoice.REQUIRED).build();
            RoutedAnswer a = await(router.route(Subtask.of(request)));
            assertEquals(EscalationReason.INVALID_TOOL_ARGUMENTS, a.decision().reason(), a.decision().detail());
            assertTrue(a.decision().detail().startsWith("arguments of notify fail its schema"), a.decision().detail());
            assertTrue(a.decision().escalated());
        }
    }

    @Test
    void answersFromThisJvmNameTheRoutersNodeAndARemoteModelsAnswerKeepsItsOwn() throws Exception {
        slm.gives(ScriptedModel.text("Maybe rain?", 0.2).onNode("model-node-7"));
        CascadeRouter.Builder builder = CascadeRouter.builder(vertx).config(base().escalateTo("teacher").build())
                .localModel(SLM, slm).localModel(OTHER, other).embeddingModel(KEYWORDS).largeModel("teacher", answering());
        assertThrows(IllegalArgumentException.class, () -> builder.nodeName(" "));
        try (CascadeRouter router = builder.nodeName("router-1").build()) {
            assertEquals("router-1", router.nodeName());
            RoutedAnswer a = await(router.route(ask("it rained").withRouteHint("summarize")));
            assertTrue(a.decision().escalated(), a.decision().detail());
            assertEquals("router-1", a.answer().node(), "the large model was called from the router's node");
            assertSame(a.teacherAnswer(), a.answer());
            assertEquals("model-node-7", a.slmAnswer().node());
        }
    }

    // ---- the large model before any SLM ----

    @Test
    void theCallersEscalationSkipsTheSlm() throws Exception {
        try (CascadeRouter router = withTeacher(answering())) {
            RoutedAnswer a = await(router.route(ask("it rained").withRouteHint("summarize")
                    .withEscalation(EscalationReason.TOOL_FAILED, "tool stock failed in step 1: service down")));
            assertEquals(EscalationReason.TOOL_FAILED, a.decision().reason());
            assertTrue(a.decision().escalated());
            assertEquals("tool stock failed in step 1: service down; route named by the caller", a.decision().detail());
            assertNull(a.slmAnswer());
            assertTrue(Double.isNaN(a.decision().generationConfidence()));
            assertTrue(slm.requests.isEmpty());
        }
    }

    @Test
    void aClassifierBelowTheRoutesThresholdSkipsTheSlm() throws Exception {
        try (CascadeRouter router = withTeacher(answering())) {
            RoutedAnswer a = await(router.route(ask("summarize extract")));
            RoutingDecision d = a.decision();
            assertEquals(EscalationReason.LOW_CLASSIFIER_CONFIDENCE, d.reason(), d.detail());
            assertEquals("summarize", d.route());
            assertTrue(d.detail().startsWith("classifier confidence 0.50 < 0.60; classified summarize 0.50 over extract 0.50"), d.detail());
            assertTrue(slm.requests.isEmpty());
        }
    }

    @Test
    void anAlwaysLargeRouteSkipsTheSlm() throws Exception {
        try (CascadeRouter router = withTeacher(answering())) {
            RoutedAnswer a = await(router.route(ask("Reason about the plan step by step.")));
            assertEquals("reason", a.decision().route(), a.decision().detail());
            assertEquals(EscalationReason.ROUTE_POLICY, a.decision().reason());
            assertTrue(a.decision().escalated());
            assertTrue(a.decision().detail().startsWith("route reason is always-large; classified reason"), a.decision().detail());
            assertTrue(slm.requests.isEmpty());
        }
    }

    @Test
    void outOfScopeGoesToTheLargeModelWithTheClassifiersReasonAndAccount() throws Exception {
        Teacher teacher = answering();
        try (CascadeRouter router = withTeacher(teacher)) {
            RoutedAnswer a = await(router.route(ask("Hello friend!")));
            RoutingDecision d = a.decision();
            assertEquals(EscalationReason.OUT_OF_SCOPE, d.reason());
            assertNull(d.route());
            assertTrue(d.escalated());
            assertTrue(d.detail().matches("out of scope: closer to the out-of-scope examples \\(\\d\\.\\d\\d\\) than to any route; "
                    + "closest route \\w+ .*"), d.detail());
            assertTrue(d.classifierConfidence() < 1);
            assertTrue(slm.requests.isEmpty() && other.requests.isEmpty());
            assertEquals(1, teacher.requests.getFirst().messages().size(), "no route, so the caller's request as it came");
        }
    }

    @Test
    void aSecondOpinionThatDisagreesLowersTheClassifierBelowTheThreshold() throws Exception {
        RouterConfig config = base().classifier(RouterConfig.defaults().classifier().withSecondOpinion(true, 5).withSecondOpinionModel(OTHER))
                .escalateTo("teacher").build();
        other.says("\"summarize\"", 0.8).says("\"extract\"", 0.8);
        slm.says("Rain.", 0.9);
        try (CascadeRouter router = router(config, answering())) {
            RoutedAnswer agreed = await(router.route(ask("Summarize the text please.")));
            assertEquals(EscalationReason.NONE, agreed.decision().reason(), agreed.decision().detail());
            assertTrue(agreed.decision().detail().contains("SLM agrees (0.80)"), agreed.decision().detail());

            RoutedAnswer disputed = await(router.route(ask("Summarize the text again.")));
            assertEquals(EscalationReason.LOW_CLASSIFIER_CONFIDENCE, disputed.decision().reason(), disputed.decision().detail());
            assertTrue(disputed.decision().detail().contains("SLM says extract (0.80)"), disputed.decision().detail());
            assertEquals(0.2, disputed.decision().classifierConfidence(), 0.01);
        }
    }

    // ---- the SLM does not answer in time, or fails ----

    @Test
    void anSlmCutAtTheDeadlineEscalatesWithWhatItHad() throws Exception {
        slm.hangs(7);
        try (CascadeRouter router = withTeacher(answering())) {
            RoutedAnswer a = await(router.route(ask("it rained").withRouteHint("summarize").withDeadline(Duration.ofMillis(200))));
            assertEquals(EscalationReason.SLM_TIMEOUT, a.decision().reason());
            assertTrue(a.decision().escalated());
            assertTrue(a.decision().detail().startsWith("no SLM answer within the deadline of 200 ms; cancelled after 7 tokens"),
                    a.decision().detail());
            assertEquals(FinishReason.CANCELLED, a.slmAnswer().finishReason());
        }
    }

    @Test
    void anSlmThatFailsEscalatesAndWithoutALargeModelItIsAnError() throws Exception {
        slm.breaks("decode failed");
        try (CascadeRouter router = withTeacher(answering())) {
            RoutedAnswer a = await(router.route(ask("it rained").withRouteHint("summarize")));
            assertEquals(EscalationReason.SLM_ERROR, a.decision().reason());
            assertTrue(a.decision().detail().startsWith("the SLM failed: decode failed"), a.decision().detail());
            assertNull(a.slmAnswer());
        }
        try (CascadeRouter router = withoutTeacher()) {
            Throwable e = failure(router.route(ask("it rained").withRouteHint("summarize")));
            assertEquals(RouterException.class, e.getClass());
            assertEquals("the SLM failed: decode failed; no large model configured", e.getMessage());
            assertInstanceOf(InferenceException.class, e.getCause());
            assertEquals(1, count("failures", "route", "summarize"));
        }
    }

    @Test
    void theEnginesRefusalsAreTheCallersNotTheLargeModels() throws Exception {
        Teacher teacher = answering();
        slm.refuses(new InferenceException.InvalidRequest("the prompt is longer than the context")).refuses(new InferenceException.Overloaded("queue full"));
        try (CascadeRouter router = withTeacher(teacher)) {
            Throwable bad = failure(router.route(ask("it rained").withRouteHint("summarize")));
            assertInstanceOf(RouterException.InvalidRequest.class, bad);
            assertTrue(bad.getMessage().contains("context"), bad.getMessage());
            Throwable busy = failure(router.route(ask("it rained").withRouteHint("summarize")));
            assertInstanceOf(RouterException.Overloaded.class, busy);
            assertEquals(1, count("rejections", "model", "slm"));
            assertTrue(teacher.requests.isEmpty());
        }
    }

    @Test
    void aModelHoldingItsMaximumRejectsTheNextSubtask() throws Exception {
        RouterConfig config = base().localModel(LocalModelConfig.of(SLM).withName("slm").withMaxInFlight(1)).build();
        slm.hangs(1);
        try (CascadeRouter router = router(config, null)) {
            Subtask first = ask("it rained").withRouteHint("summarize");
            CompletableFuture<List<Future<RoutedAnswer>>> sent = new CompletableFuture<>();
            // Sent from one event loop, the router sees them in order: the second finds the model full.
            vertx.getOrCreateContext().runOnContext(v -> sent.complete(List.of(router.route(first),
                    router.route(ask("it rained").withRouteHint("summarize")))));
            List<Future<RoutedAnswer>> both = sent.get(10, TimeUnit.SECONDS);
            RouterException.Overloaded full = assertInstanceOf(RouterException.Overloaded.class, failure(both.get(1)));
            assertTrue(full.getMessage().contains("maxInFlight") && full.retryAfter().toSeconds() >= 1, full.getMessage());
            router.cancel(first.id());
            assertInstanceOf(RouterException.Cancelled.class, failure(both.get(0)));
            assertEquals(1, count("rejections", "model", "slm"));
        }
    }

    // ---- no large model answers: fall back ----

    @Test
    void withoutALargeModelTheSlmsAnswerIsAFallback() throws Exception {
        slm.says("Maybe rain?", 0.2);
        try (CascadeRouter router = withoutTeacher()) {
            RoutedAnswer a = await(router.route(ask("it rained").withRouteHint("summarize")));
            RoutingDecision d = a.decision();
            assertTrue(d.fallback() && d.lowConfidence());
            assertFalse(d.escalated());
            assertEquals(EscalationReason.LOW_GENERATION_CONFIDENCE, d.reason());
            assertEquals("generation confidence 0.20 < 0.50; no large model configured, so the SLM's answer is returned; "
                    + "route named by the caller", d.detail());
            assertSame(a.slmAnswer(), a.answer());
            assertEquals(1, count("fallbacks", "reason", "LOW_GENERATION_CONFIDENCE"));
        }
    }

    @Test
    void aFailingLargeModelFallsBackToTheSlmsAnswer() throws Exception {
        slm.says("Maybe rain?", 0.2);
        try (CascadeRouter router = withTeacher(new Teacher(new IllegalStateException("connection refused"), false))) {
            RoutedAnswer a = await(router.route(ask("it rained").withRouteHint("summarize")));
            assertTrue(a.decision().fallback());
            assertTrue(a.decision().detail().contains("large model teacher failed: connection refused, so the SLM's answer is returned"),
                    a.decision().detail());
            assertNull(a.teacherAnswer());
        }
    }

    @Test
    void aFullEscalationQueueFallsBackAndAnswersOnTheRoutesSlm() throws Exception {
        Teacher holding = new Teacher(null, true);
        RouterConfig config = base().escalation(new EscalationConfig("teacher", 1, 1)).build();
        slm.says("A plan.", 0.9);
        try (CascadeRouter router = router(config, holding)) {
            Future<RoutedAnswer> first = router.route(ask("Reason about the plan."));
            assertTrue(holding.entered.await(30, TimeUnit.SECONDS));
            RoutedAnswer second = await(router.route(ask("Reason about the plan.")));
            assertTrue(second.decision().fallback());
            assertEquals(EscalationReason.ROUTE_POLICY, second.decision().reason());
            assertTrue(second.decision().detail().startsWith("route reason is always-large; the escalation queue is full"), second.decision().detail());
            assertEquals("slm", second.decision().model(), "the route's SLM answers what no large model did");
            holding.release.countDown();
            assertTrue(await(first).decision().escalated());
        }
    }

    @Test
    void outOfScopeWithoutALargeModelIsAnsweredByTheDefaultModel() throws Exception {
        other.says("Hi!", 0.9);
        try (CascadeRouter router = withoutTeacher()) {
            RoutedAnswer a = await(router.route(ask("hello friend")));
            assertEquals(EscalationReason.OUT_OF_SCOPE, a.decision().reason());
            assertTrue(a.decision().fallback());
            assertEquals("other", a.decision().model());
            assertEquals(0.9, a.decision().generationConfidence(), 1e-9);
            assertTrue(slm.requests.isEmpty());
        }
    }

    @Test
    void aTimedOutSlmWithoutALargeModelReturnsItsPartialAnswer() throws Exception {
        slm.hangs(3);
        try (CascadeRouter router = withoutTeacher()) {
            RoutedAnswer a = await(router.route(ask("it rained").withRouteHint("summarize").withDeadline(Duration.ofMillis(200))));
            assertEquals(EscalationReason.SLM_TIMEOUT, a.decision().reason());
            assertTrue(a.decision().fallback());
            assertEquals(FinishReason.CANCELLED, a.answer().finishReason());
            assertTrue(a.decision().detail().contains("no large model configured"), a.decision().detail());
        }
    }

    // ---- a model named by the caller ----

    @Test
    void aNamedModelServesAsAskedAndIsNeverEscalated() throws Exception {
        Teacher teacher = answering();
        other.says("Hello.", 0.05).says("not json", 0.9);
        try (CascadeRouter router = withTeacher(teacher)) {
            RoutedAnswer direct = await(router.route(ask("Say hello.").withRouteHint("other")));
            RoutingDecision d = direct.decision();
            assertNull(d.route());
            assertEquals("other", d.model());
            assertEquals(1.0, d.classifierConfidence());
            assertEquals("served by model other as asked; model named by the caller", d.detail());
            assertFalse(d.fallback(), "no route, so no confidence threshold");

            GenerationRequest json = GenerationRequest.builder().user("Say hello.").responseFormat(new ResponseFormat.JsonObject()).build();
            RoutedAnswer invalid = await(router.route(Subtask.of(json).withRouteHint(OTHER)));
            assertEquals(EscalationReason.INVALID_OUTPUT, invalid.decision().reason());
            assertTrue(invalid.decision().fallback() && !invalid.decision().escalated());
            assertTrue(invalid.decision().detail().contains("served by model other as asked, not escalated"), invalid.decision().detail());
            assertTrue(teacher.requests.isEmpty());
        }
    }

    @Test
    void aSchemaTheJudgeCannotUseIsTheCallersError() throws Exception {
        other.says("{}", 0.9);
        try (CascadeRouter router = withoutTeacher()) {
            GenerationRequest remote = GenerationRequest.builder().user("Say hello.")
                    .responseFormat(ResponseFormat.jsonSchema(json("{\"$ref\":\"http://127.0.0.1:9/schema.json\"}"))).build();
            Throwable e = failure(router.route(Subtask.of(remote).withRouteHint("other")));
            assertInstanceOf(RouterException.InvalidRequest.class, e);
            assertTrue(e.getMessage().startsWith("JSON schema cannot be used for validation"), e.getMessage());
        }
    }

    @Test
    void anUnknownHintNamesWhatIsKnown() throws Exception {
        try (CascadeRouter router = withoutTeacher()) {
            Throwable e = failure(router.route(ask("hi").withRouteHint("gpt-9")));
            assertInstanceOf(RouterException.UnknownRoute.class, e);
            assertTrue(e.getMessage().contains("gpt-9") && e.getMessage().contains("summarize") && e.getMessage().contains("other"), e.getMessage());
            assertEquals(List.of("slm", "other"), router.localModels());
        }
    }
}
