package dev.cascade4j.router;

import io.vertx.core.Future;
import java.util.List;

/**
 * Routes subtasks: classify, generate on the route's SLM, judge, escalate. Two implementations: the
 * in-process router, and a client that reaches a router verticle over the (possibly clustered) event
 * bus. Every routed subtask is also published on {@link #ROUTED_ADDRESS} for the query log.
 */
public interface Router {

    /** Event-bus address a router verticle answers subtasks on. */
    String ROUTE_ADDRESS = "cascade4j.router.route";

    /** Event-bus address every {@link RoutedAnswer} is published on. */
    String ROUTED_ADDRESS = "cascade4j.router.routed";

    /**
     * Event-bus address the query log takes feedback on: a JSON object {@code {id, rating, correction}}
     * sent as a request; the reply acknowledges it or fails with 400, 404 or 503 as its code.
     */
    String FEEDBACK_ADDRESS = "cascade4j.log.feedback";

    /**
     * Routes one subtask. Never blocks the caller's thread. Fails with {@link RouterException.Overloaded}
     * when the chosen model's queue is full, {@link RouterException.UnknownRoute} when the hint names
     * nothing known, {@link RouterException.InvalidRequest} when the request cannot be served.
     */
    Future<RoutedAnswer> route(Subtask subtask);

    /**
     * Cancels a subtask whose caller no longer wants the answer (e.g. its HTTP client disconnected):
     * work not yet begun for it is skipped, a generation still queued is dropped without processing its
     * prompt, a running one stops at its next token, and nothing escalates. Its {@link #route} future
     * fails with {@link RouterException.Cancelled}. Ids not under way are ignored. Never blocks.
     */
    default void cancel(String subtaskId) {
    }

    /**
     * The name of the node this router runs on: its answers carry it ({@link dev.cascade4j.inference.GenerationResult#node()})
     * when their model ran in this JVM. {@code null} when not known, e.g. for a client of a router elsewhere.
     */
    default String nodeName() {
        return null;
    }

    /** The configured routes, in configuration order. */
    List<RouteInfo> routes();

    /** Names of the local models this router can serve directly (usable as a route hint). */
    List<String> localModels();

    /** A route as clients see it (e.g. in GET /v1/models). */
    record RouteInfo(String name, String description, String model) {
    }
}
