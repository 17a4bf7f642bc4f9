package dev.cascade4j.router;

import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.router.config.Route;
import dev.cascade4j.router.internal.classify.Classification;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a subtask was placed before any model answered it: on a route (named by the caller or
 * classified), on a local model the caller named, or nowhere (out of scope).
 *
 * @param route                the route, or {@code null}
 * @param model                the local model the caller named, or {@code null}
 * @param classifierConfidence how sure the classifier was (1 when the caller named the route or model)
 * @param outOfScope           why no route applies, or {@code null}
 * @param notes                how it was placed, for the decision's detail
 * @param sent                 the request the route's SLM was sent, once it was
 */
record Choice(Route route, String model, double classifierConfidence, String outOfScope, List<String> notes, GenerationRequest sent) {

    Choice {
        notes = List.copyOf(notes);
    }

    static Choice namedRoute(Route route) {
        return new Choice(route, null, 1, null, List.of("route named by the caller"), null);
    }

    static Choice namedModel(String model) {
        return new Choice(null, model, 1, null, List.of("model named by the caller"), null);
    }

    static Choice classified(Route route, Classification c) {
        return new Choice(route, null, c.confidence(), null, List.of("classified " + c.detail()), null);
    }

    static Choice outOfScope(Classification c) {
        return new Choice(null, null, c.confidence(), c.whyOutOfScope(), List.of(c.account()), null);
    }

    Choice noting(String note) {
        List<String> more = new ArrayList<>(notes);
        more.add(note);
        return new Choice(route, model, classifierConfidence, outOfScope, more, sent);
    }

    Choice sending(GenerationRequest request) {
        return new Choice(route, model, classifierConfidence, outOfScope, notes, request);
    }

    /** The name meters carry: the route, the model named, or "none". */
    String tag() {
        return route != null ? route.name() : model != null ? "model:" + model : "none";
    }
}
