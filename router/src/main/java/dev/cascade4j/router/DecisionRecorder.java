package dev.cascade4j.router;

import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.router.confidence.ConfidenceSignals;
import dev.cascade4j.router.config.Route;
import dev.cascade4j.router.internal.metrics.RouterMetrics;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;

/**
 * Records how a subtask ended: its {@link RoutingDecision}, the meters, and the answer published on
 * {@link Router#ROUTED_ADDRESS} for the query log. One method per ending. Every answer it records
 * names the node that generated it: this router's node unless the model ran on another.
 */
final class DecisionRecorder {
    private final Vertx vertx;
    private final RouterMetrics metrics;
    private final String nodeName;

    DecisionRecorder(Vertx vertx, RouterMetrics metrics, String nodeName) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.nodeName = nodeName;
    }

    /** The SLM's answer was kept. */
    RoutedAnswer accepted(Trip trip, Choice choice, Plan.Accept kept) {
        SlmOutcome slm = kept.slm();
        RoutedAnswer routed = answer(trip, choice, decision(trip, choice, slm, false, EscalationReason.NONE, kept.detail(), slm.model(), false),
                slm.result(), slm, null);
        metrics.handledBySlm(choice.tag());
        return publish(routed);
    }

    /** The large model {@code target} answered. */
    RoutedAnswer escalated(Trip trip, Choice choice, Plan.GoLarge wanted, String target, GenerationResult teacher) {
        RoutedAnswer routed = answer(trip, choice, decision(trip, choice, wanted.slm(), true, wanted.reason(), wanted.detail(), target, false),
                teacher, wanted.slm(), teacher);
        metrics.escalated(choice.tag(), wanted.reason());
        return publish(routed);
    }

    /** No large model answered: the SLM's answer, marked as a fallback. */
    RoutedAnswer fellBack(Trip trip, Choice choice, Plan.FallBack fallback) {
        SlmOutcome slm = fallback.slm();
        RoutedAnswer routed = answer(trip, choice, decision(trip, choice, slm, false, fallback.reason(), fallback.detail(), slm.model(), true),
                slm.result(), slm, null);
        metrics.fallback(choice.tag(), fallback.reason());
        return publish(routed);
    }

    /** The subtask failed with {@code error} (already in the caller's terms). */
    void failed(String tag, Throwable error) {
        metrics.request(tag);
        metrics.failed(tag, error.getClass().getSimpleName());
    }

    private static RoutingDecision decision(Trip trip, Choice choice, SlmOutcome slm, boolean escalated, EscalationReason reason,
                                            String detail, String model, boolean fallback) {
        ConfidenceSignals signals = signals(choice, slm);
        double generation = signals == null ? Double.NaN : generationConfidence(choice, slm, signals);
        String full = choice.notes().isEmpty() ? detail : detail + "; " + String.join("; ", choice.notes());
        return new RoutingDecision(trip.subtask.id(), choice.route() == null ? null : choice.route().name(),
                choice.classifierConfidence(), generation, escalated, reason, model, fallback, full, signals);
    }

    /** The signals the SLM's answer was judged on, or read from an answer that was not judged; {@code null} when no SLM answered. */
    private static ConfidenceSignals signals(Choice choice, SlmOutcome slm) {
        if (slm == null || slm.result() == null) {
            return null;
        }
        return slm.judgement() != null ? slm.judgement().signals() : ConfidenceSignals.of(slm.sent(), slm.result(), choice.classifierConfidence());
    }

    /** The judged confidence, else the one the judge would have given: the route's fitted model, else the combined score. */
    private static double generationConfidence(Choice choice, SlmOutcome slm, ConfidenceSignals signals) {
        if (slm.judgement() != null) {
            return slm.judgement().confidence();
        }
        Route route = choice.route();
        return route != null && route.confidence() != null ? route.confidence().score(signals) : signals.combined();
    }

    private RoutedAnswer answer(Trip trip, Choice choice, RoutingDecision decision, GenerationResult answer, SlmOutcome slm,
                                GenerationResult teacher) {
        Duration routerTime = Duration.ofNanos(Math.max(0, System.nanoTime() - trip.startNanos - trip.modelNanos()));
        Duration latency = Duration.between(trip.subtask.createdAt(), Instant.now());
        GenerationResult slmAnswer = slm == null ? null : slm.result();
        String tag = choice.tag();
        metrics.request(tag);
        metrics.latency(tag, latency, routerTime);
        metrics.tokens(tag, "slm", slmAnswer);
        metrics.tokens(tag, "large", teacher);
        GenerationResult slmOnNode = onNode(slmAnswer);
        GenerationResult teacherOnNode = onNode(teacher);
        // The returned answer is one of the two, and stays the same object as the one it is.
        GenerationResult answerOnNode = answer == slmAnswer ? slmOnNode : answer == teacher ? teacherOnNode : onNode(answer);
        return new RoutedAnswer(trip.subtask, decision, answerOnNode, slmOnNode, teacherOnNode, latency, routerTime);
    }

    /** The result naming its node: the one it names, else this router's (the model ran in this JVM). */
    private GenerationResult onNode(GenerationResult result) {
        return result == null || result.node() != null ? result : result.onNode(nodeName);
    }

    private RoutedAnswer publish(RoutedAnswer routed) {
        vertx.eventBus().publish(Router.ROUTED_ADDRESS, routed, RouterCodecs.local());
        return routed;
    }
}
