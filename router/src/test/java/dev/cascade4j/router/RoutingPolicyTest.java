package dev.cascade4j.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.Timings;
import dev.cascade4j.inference.Usage;
import dev.cascade4j.router.config.EscalationConfig;
import dev.cascade4j.router.config.LocalModelConfig;
import dev.cascade4j.router.config.Route;
import dev.cascade4j.router.config.RoutePolicy;
import dev.cascade4j.router.config.RouterConfig;
import dev.cascade4j.router.internal.classify.Classification;
import dev.cascade4j.router.internal.escalate.OutputJudge;
import dev.cascade4j.router.internal.escalate.Verdict;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every branch of the routing policy, without a model, a thread or a clock. */
class RoutingPolicyTest {
    static final String SLM = "slm-ref";

    static final RouterConfig CONFIG = RouterConfig.builder().defaultModel("default-ref")
            .localModel(LocalModelConfig.of(SLM).withName("slm"))
            .route(Route.builder("summarize").example("summarize the text").model(SLM).minClassifierConfidence(0.6)
                    .minGenerationConfidence(0.5).build())
            .route(Route.builder("reason").example("reason about the plan").model(SLM).policy(RoutePolicy.ALWAYS_LARGE)
                    .escalateTo("big").build())
            .escalation(new EscalationConfig("teacher", 1, 1))
            .build();
    final RoutingPolicy policy = new RoutingPolicy(CONFIG);

    static final GenerationRequest ASK = GenerationRequest.builder().user("Summarize: it rained.").build();

    static Subtask subtask() {
        return Subtask.of(ASK);
    }

    static Route route(String name) {
        return CONFIG.route(name);
    }

    static Choice classified(String route, double confidence) {
        return policy(CONFIG).classified(new Classification(route, confidence, 0.9, null, route + " " + confidence));
    }

    static RoutingPolicy policy(RouterConfig config) {
        return new RoutingPolicy(config);
    }

    static SlmOutcome answered(double score, Verdict verdict) {
        return new SlmOutcome("slm", ASK, ScriptedModel.text("It rained.", score), false, 1000,
                new OutputJudge.Judgement(verdict, score, String.format(java.util.Locale.ROOT, "%.2f", score), null));
    }

    static SlmOutcome cut(int tokens) {
        GenerationResult partial = new GenerationResult("It ra", List.of(), FinishReason.CANCELLED, ScriptedModel.confidence(0.9),
                new Usage(5, 0, tokens, 0), new Timings(0, 1, 1));
        return new SlmOutcome("slm", ASK, partial, true, 300, null);
    }

    // ---- placing a subtask ----

    @Test
    void aHintNamesARouteAModelByNameOrReferenceOrNothingKnown() {
        assertNull(policy.hinted(subtask()), "no hint: the classifier decides");
        Choice route = policy.hinted(subtask().withRouteHint("summarize"));
        assertSame(route("summarize"), route.route());
        assertEquals(1, route.classifierConfidence());
        assertEquals(List.of("route named by the caller"), route.notes());
        assertEquals("slm", policy.hinted(subtask().withRouteHint("slm")).model());
        assertEquals("slm", policy.hinted(subtask().withRouteHint(SLM)).model(), "a model's reference names it too");
        assertEquals("model:slm", policy.hinted(subtask().withRouteHint(SLM)).tag());
        RouterException.UnknownRoute unknown = assertThrows(RouterException.UnknownRoute.class,
                () -> policy.hinted(subtask().withRouteHint("gpt-9")));
        assertTrue(unknown.getMessage().contains("gpt-9") && unknown.getMessage().contains("summarize")
                && unknown.getMessage().contains("slm"), unknown.getMessage());
    }

    @Test
    void aClassificationPlacesOnItsRouteOrOutOfScopeWithItsReasonApartFromItsAccount() {
        Choice in = classified("summarize", 0.8);
        assertSame(route("summarize"), in.route());
        assertEquals(0.8, in.classifierConfidence());
        assertEquals(List.of("classified summarize 0.8"), in.notes());

        Classification none = new Classification(null, 0.3, 0.1, "summarize", "out of scope: nearest example 0.10 < 0.27",
                "closest route summarize 0.30");
        Choice out = policy.classified(none);
        assertNull(out.route());
        assertEquals("out of scope: nearest example 0.10 < 0.27", out.outOfScope());
        assertEquals(List.of("closest route summarize 0.30"), out.notes());
        assertEquals("none", out.tag());
    }

    @Test
    void aSecondOpinionIsAskedOnlyWhenConfiguredForARouteWithFewExamples() {
        Classification c = new Classification("summarize", 0.8, 0.9, null, "summarize 0.80");
        assertTrue(!policy.wantsSecondOpinion(c));
        RouterConfig asking = CONFIG.toBuilder().classifier(CONFIG.classifier().withSecondOpinion(true, 1)).build();
        assertTrue(policy(asking).wantsSecondOpinion(c));
        RouterConfig fewer = CONFIG.toBuilder().classifier(CONFIG.classifier().withSecondOpinion(true, 0)).build();
        assertTrue(!policy(fewer).wantsSecondOpinion(c), "the route has more examples than the limit");
        assertTrue(!policy(asking).wantsSecondOpinion(new Classification(null, 0.2, 0.1, null, "out of scope: x", "y")));
    }

    // ---- before any model runs ----

    @Test
    void aNamedModelServesDirectly() {
        assertEquals(new Plan.ServeDirectly("slm"), policy.first(subtask(), Choice.namedModel("slm")));
    }

    @Test
    void outOfScopeGoesLargeWithTheClassifiersReason() {
        Choice out = policy.classified(new Classification(null, 0.3, 0.1, null, "out of scope: no text to classify", "empty"));
        assertEquals(new Plan.GoLarge(EscalationReason.OUT_OF_SCOPE, "out of scope: no text to classify"), policy.first(subtask(), out));
    }

    @Test
    void theCallersEscalationGoesLargeOnAnSlmFirstRouteOnly() {
        Subtask failedBefore = subtask().withEscalation(EscalationReason.TOOL_FAILED, "tool stock failed in step 1");
        assertEquals(new Plan.GoLarge(EscalationReason.TOOL_FAILED, "tool stock failed in step 1"),
                policy.first(failedBefore, Choice.namedRoute(route("summarize"))));
        assertEquals(new Plan.GoLarge(EscalationReason.ROUTE_POLICY, "route reason is always-large"),
                policy.first(failedBefore, Choice.namedRoute(route("reason"))), "an always-large route says so itself");
    }

    @Test
    void aClassifierBelowTheRoutesThresholdGoesLarge() {
        assertEquals(new Plan.GoLarge(EscalationReason.LOW_CLASSIFIER_CONFIDENCE, "classifier confidence 0.55 < 0.60"),
                policy.first(subtask(), classified("summarize", 0.55)));
        assertEquals(new Plan.TrySlm(route("summarize")), policy.first(subtask(), classified("summarize", 0.6)));
    }

    @Test
    void anAlwaysLargeRouteGoesLarge() {
        assertEquals(new Plan.GoLarge(EscalationReason.ROUTE_POLICY, "route reason is always-large"),
                policy.first(subtask(), classified("reason", 0.99)));
    }

    @Test
    void otherwiseTheRoutesSlmAnswersFirst() {
        assertEquals(new Plan.TrySlm(route("summarize")), policy.first(subtask(), Choice.namedRoute(route("summarize"))));
    }

    // ---- after the route's SLM ----

    @Test
    void aJudgedAnswerWithoutAVerdictIsAcceptedAndSaysWhy() {
        SlmOutcome slm = answered(0.72, null);
        assertEquals(new Plan.Accept(slm, "generation confidence 0.72 >= 0.50"), policy.answered(route("summarize"), slm));
    }

    @Test
    void theJudgesVerdictGoesLargeWithTheAnswerItReplaces() {
        Verdict low = new Verdict(EscalationReason.LOW_GENERATION_CONFIDENCE, "generation confidence 0.20 < 0.50");
        SlmOutcome slm = answered(0.2, low);
        assertEquals(new Plan.GoLarge(low.reason(), low.detail(), slm, null), policy.answered(route("summarize"), slm));
        Verdict invalid = new Verdict(EscalationReason.INVALID_OUTPUT, "the answer is not JSON");
        assertEquals(EscalationReason.INVALID_OUTPUT, ((Plan.GoLarge) policy.answered(route("summarize"), answered(0.99, invalid))).reason());
    }

    @Test
    void anAnswerCutAtTheDeadlineGoesLargeUnjudged() {
        Plan plan = policy.answered(route("summarize"), cut(3));
        Plan.GoLarge large = assertInstanceOf(Plan.GoLarge.class, plan);
        assertEquals(EscalationReason.SLM_TIMEOUT, large.reason());
        assertEquals("no SLM answer within the deadline of 300 ms; cancelled after 3 tokens", large.detail());
        assertEquals("It ra", large.slm().result().text());
    }

    @Test
    void aFailingSlmGoesLargeButTheCallersErrorsFail() {
        InferenceException broken = new InferenceException("decode failed");
        assertEquals(new Plan.GoLarge(EscalationReason.SLM_ERROR, "the SLM failed: decode failed", null, broken), policy.slmFailed(broken));
        RouterException.InvalidRequest bad = new RouterException.InvalidRequest("prompt longer than the context", null);
        assertEquals(new Plan.Fail(bad), policy.slmFailed(bad));
        RouterException.Overloaded busy = new RouterException.Overloaded("busy", Duration.ofSeconds(1));
        assertEquals(new Plan.Fail(busy), policy.slmFailed(busy));
    }

    // ---- a model named directly ----

    @Test
    void aNamedModelsAnswerIsKeptAndMarkedAFallbackWhenItWouldHaveEscalated() {
        SlmOutcome fine = answered(0.1, null);
        assertEquals(new Plan.Accept(fine, "served by model slm as asked"), policy.servedDirectly(fine));
        Verdict invalid = new Verdict(EscalationReason.INVALID_OUTPUT, "the answer is not JSON");
        SlmOutcome bad = answered(0.9, invalid);
        assertEquals(new Plan.FallBack(EscalationReason.INVALID_OUTPUT,
                "the answer is not JSON; served by model slm as asked, not escalated", bad), policy.servedDirectly(bad));
        Plan.FallBack late = assertInstanceOf(Plan.FallBack.class, policy.servedDirectly(cut(2)));
        assertEquals(EscalationReason.SLM_TIMEOUT, late.reason());
        assertTrue(late.detail().endsWith("served by model slm as asked, not escalated"), late.detail());
        Plan.Fail never = assertInstanceOf(Plan.Fail.class, policy.servedDirectly(new SlmOutcome("slm", ASK, null, true, 300, null)));
        assertEquals("the deadline of 300 ms passed before model slm could start; give the subtask more time", never.error().getMessage());
        assertInstanceOf(RouterException.DeadlineExceeded.class, never.error());
    }

    // ---- when the large model does not answer ----

    @Test
    void theTargetIsTheRoutesLargeModelElseTheDefault() {
        assertEquals("big", policy.target(Choice.namedRoute(route("reason"))));
        assertEquals("teacher", policy.target(Choice.namedRoute(route("summarize"))));
        assertEquals("teacher", policy.target(policy.classified(new Classification(null, 0, 0, null, "out of scope: x", "y"))));
        RouterConfig none = CONFIG.toBuilder().escalation(EscalationConfig.DEFAULTS).build();
        assertNull(policy(none).target(Choice.namedRoute(route("summarize"))));
    }

    @Test
    void withoutTheLargeModelTheSlmsAnswerComesBackAsAFallback() {
        SlmOutcome low = answered(0.2, null);
        Plan.GoLarge wanted = new Plan.GoLarge(EscalationReason.LOW_GENERATION_CONFIDENCE, "generation confidence 0.20 < 0.50", low, null);
        assertEquals(new Plan.FallBack(EscalationReason.LOW_GENERATION_CONFIDENCE,
                "generation confidence 0.20 < 0.50; large model teacher failed: 503, so the SLM's answer is returned", low),
                policy.withoutLarge(wanted, "large model teacher failed: 503"));
    }

    @Test
    void withoutTheLargeModelASubtaskNoSlmAnsweredYetFallsBackToBeGenerated() {
        Plan.GoLarge wanted = new Plan.GoLarge(EscalationReason.ROUTE_POLICY, "route reason is always-large");
        Plan.FallBack fallback = new Plan.FallBack(EscalationReason.ROUTE_POLICY,
                "route reason is always-large; no large model configured, so the SLM's answer is returned", null);
        assertEquals(fallback, policy.withoutLarge(wanted, "no large model configured"));
        assertEquals("slm-ref", policy.fallbackModel(Choice.namedRoute(route("reason"))));
        assertEquals("default-ref", policy.fallbackModel(policy.classified(new Classification(null, 0, 0, null, "out of scope: x", "y"))));

        SlmOutcome late = cut(4);
        assertEquals(new Plan.FallBack(EscalationReason.ROUTE_POLICY, fallback.detail() + "; the SLM's answer was cut at the deadline", late),
                policy.fellBack(fallback, late));
        SlmOutcome fine = answered(0.9, null);
        assertEquals(new Plan.FallBack(EscalationReason.ROUTE_POLICY, fallback.detail(), fine), policy.fellBack(fallback, fine));
        Plan.Fail never = assertInstanceOf(Plan.Fail.class, policy.fellBack(fallback, new SlmOutcome("slm", ASK, null, true, 300, null)));
        assertTrue(never.error().getMessage().endsWith("but the deadline passed before it could start"), never.error().getMessage());
        assertInstanceOf(RouterException.DeadlineExceeded.class, never.error());
    }

    @Test
    void withoutTheLargeModelAFailedOrLateSlmIsTheCallersError() {
        InferenceException broken = new InferenceException("decode failed");
        Plan.GoLarge wanted = assertInstanceOf(Plan.GoLarge.class, policy.slmFailed(broken));
        Plan.Fail failed = assertInstanceOf(Plan.Fail.class, policy.withoutLarge(wanted, "no large model configured"));
        assertEquals("the SLM failed: decode failed; no large model configured", failed.error().getMessage());
        assertEquals(RouterException.class, failed.error().getClass());
        assertSame(broken, failed.error().getCause());

        Plan.Fail late = assertInstanceOf(Plan.Fail.class, policy.withoutLarge(
                new Plan.GoLarge(EscalationReason.SLM_TIMEOUT, "no SLM answer within the deadline of 300 ms"), "no large model configured"));
        assertTrue(late.error().getMessage().endsWith("give the subtask a longer deadline"), late.error().getMessage());
        assertInstanceOf(RouterException.DeadlineExceeded.class, late.error(), "nothing cut off is returned in a whole answer's place");
    }
}
