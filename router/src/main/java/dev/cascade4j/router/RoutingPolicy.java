package dev.cascade4j.router;

import dev.cascade4j.router.config.LocalModelConfig;
import dev.cascade4j.router.config.Route;
import dev.cascade4j.router.config.RoutePolicy;
import dev.cascade4j.router.config.RouterConfig;
import dev.cascade4j.router.internal.classify.Classification;
import dev.cascade4j.router.internal.escalate.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a subtask goes, decided in one place: from the caller's hint or the classification, the
 * route, and after generation the judge's verdict, to the next {@link Plan}. Pure: it runs no model,
 * waits for nothing and reads no clock, so every branch is a unit test ({@code RoutingPolicyTest});
 * {@link CascadeRouter} carries the plans out.
 *
 * <p>In order: a local model named by the caller serves directly; out of scope, the caller's own
 * escalation (SLM-first routes), a classifier below the route's threshold and an always-large route go
 * to the large model; otherwise the route's SLM answers and its answer is kept unless the judge finds a
 * reason to escalate. When no large model answers, the SLM's answer comes back marked as a fallback.
 */
final class RoutingPolicy {
    private final RouterConfig config;
    private final Map<String, String> modelNames = new LinkedHashMap<>();

    RoutingPolicy(RouterConfig config) {
        this.config = config;
        for (LocalModelConfig m : config.modelsInUse()) {
            modelNames.put(m.name(), m.name());
            modelNames.putIfAbsent(m.ref(), m.name());
        }
    }

    /**
     * Where the caller's hint places the subtask, or {@code null} when there is no hint and the
     * classifier decides.
     *
     * @throws RouterException.UnknownRoute when the hint names neither a route nor a local model
     */
    Choice hinted(Subtask subtask) {
        String hint = subtask.routeHint();
        if (hint == null) {
            return null;
        }
        Route named = config.route(hint);
        if (named != null) {
            return Choice.namedRoute(named);
        }
        String model = modelNames.get(hint);
        if (model != null) {
            return Choice.namedModel(model);
        }
        List<String> known = new ArrayList<>(config.routes().stream().map(Route::name).toList());
        known.addAll(modelNames.values().stream().distinct().toList());
        throw new RouterException.UnknownRoute(hint, known);
    }

    /** Whether an SLM should vote on the classifier's choice: a route with few examples, when configured. */
    boolean wantsSecondOpinion(Classification c) {
        return config.classifier().secondOpinion() && !c.outOfScope()
                && config.route(c.route()).examples().size() <= config.classifier().secondOpinionMaxExamples();
    }

    /** Where the classification places the subtask. */
    Choice classified(Classification c) {
        return c.outOfScope() ? Choice.outOfScope(c) : Choice.classified(config.route(c.route()), c);
    }

    /** The first plan, before any model runs. */
    Plan first(Subtask subtask, Choice choice) {
        if (choice.model() != null) {
            return new Plan.ServeDirectly(choice.model());
        }
        if (choice.outOfScope() != null) {
            return new Plan.GoLarge(EscalationReason.OUT_OF_SCOPE, choice.outOfScope());
        }
        Route route = choice.route();
        Subtask.Escalation asked = subtask.escalation();
        if (asked != null && route.policy() == RoutePolicy.SLM_FIRST) {
            return new Plan.GoLarge(asked.reason(), asked.detail());
        }
        if (choice.classifierConfidence() < route.minClassifierConfidence()) {
            return new Plan.GoLarge(EscalationReason.LOW_CLASSIFIER_CONFIDENCE, String.format(Locale.ROOT,
                    "classifier confidence %.2f < %.2f", choice.classifierConfidence(), route.minClassifierConfidence()));
        }
        if (route.policy() == RoutePolicy.ALWAYS_LARGE) {
            return new Plan.GoLarge(EscalationReason.ROUTE_POLICY, "route " + route.name() + " is always-large");
        }
        return new Plan.TrySlm(route);
    }

    /** After the route's SLM answered: keep the answer, or escalate for the judge's reason or the deadline. */
    Plan answered(Route route, SlmOutcome slm) {
        if (slm.timedOut()) {
            return new Plan.GoLarge(EscalationReason.SLM_TIMEOUT, slm.timeoutDetail(), slm, null);
        }
        Verdict v = slm.judgement().verdict();
        if (v != null) {
            return new Plan.GoLarge(v.reason(), v.detail(), slm, null);
        }
        return new Plan.Accept(slm, String.format(Locale.ROOT, "generation confidence %s >= %.2f",
                slm.judgement().confidenceDetail(), route.minGenerationConfidence()));
    }

    /**
     * After the route's SLM failed. A {@link RouterException} is the caller's to fix (a bad request) or
     * to retry (overloaded): not the large model's job. Anything else is the SLM's failure.
     */
    Plan slmFailed(Throwable error) {
        if (error instanceof RouterException e) {
            return new Plan.Fail(e);
        }
        return new Plan.GoLarge(EscalationReason.SLM_ERROR, "the SLM failed: " + error.getMessage(), null, error);
    }

    /** After a model the caller named answered: kept as asked, marked a fallback when it would have escalated. */
    Plan servedDirectly(SlmOutcome slm) {
        if (slm.result() == null) {
            return new Plan.Fail(new RouterException.DeadlineExceeded("the deadline of " + slm.deadlineMillis() + " ms passed before model "
                    + slm.model() + " could start; give the subtask more time"));
        }
        String asAsked = "served by model " + slm.model() + " as asked";
        Verdict v = slm.timedOut() ? new Verdict(EscalationReason.SLM_TIMEOUT, slm.timeoutDetail()) : slm.judgement().verdict();
        return v == null ? new Plan.Accept(slm, asAsked) : new Plan.FallBack(v.reason(), v.detail() + "; " + asAsked + ", not escalated", slm);
    }

    /** The large model a subtask escalates to: its route's, else the default; {@code null} when there is none. */
    String target(Choice choice) {
        Route route = choice.route();
        return route != null && route.escalateTo() != null ? route.escalateTo() : config.escalation().defaultTarget();
    }

    /** The large model did not answer ({@code why}): fall back to the SLM's answer, or fail when the SLM cannot give one. */
    Plan withoutLarge(Plan.GoLarge wanted, String why) {
        String detail = wanted.detail() + "; " + why + ", so the SLM's answer is returned";
        if (wanted.slm() != null) {
            return new Plan.FallBack(wanted.reason(), detail, wanted.slm());
        }
        if (wanted.slmError() != null) {
            return new Plan.Fail(new RouterException(wanted.detail() + "; " + why, wanted.slmError()));
        }
        if (wanted.reason() == EscalationReason.SLM_TIMEOUT) {
            return new Plan.Fail(new RouterException.DeadlineExceeded(wanted.detail() + "; " + why + "; give the subtask a longer deadline"));
        }
        return new Plan.FallBack(wanted.reason(), detail, null);
    }

    /** After the fallback model answered a subtask no SLM had answered yet. */
    Plan fellBack(Plan.FallBack wanted, SlmOutcome slm) {
        if (slm.result() == null) {
            return new Plan.Fail(new RouterException.DeadlineExceeded(wanted.detail() + ", but the deadline passed before it could start"));
        }
        String cut = slm.timedOut() ? "; the SLM's answer was cut at the deadline" : "";
        return new Plan.FallBack(wanted.reason(), wanted.detail() + cut, slm);
    }

    /** The reference of the local model that answers a fallback no SLM answered yet: the route's, else the default model. */
    String fallbackModel(Choice choice) {
        return choice.route() != null ? choice.route().model() : config.defaultModel();
    }
}
