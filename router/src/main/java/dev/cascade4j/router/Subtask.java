package dev.cascade4j.router;

import dev.cascade4j.inference.GenerationRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One model call the router decides about: the request, an optional route the caller asked for, and
 * how long the caller is willing to wait.
 *
 * @param id        unique id; the query log and feedback refer to it
 * @param request   the conversation, tools, response format and sampling
 * @param routeHint a route name or a local model name the caller asked for; {@code null} or
 *                  {@code "auto"} lets the classifier decide
 * @param deadline  time budget from {@code createdAt}; past it the SLM call is cancelled and the
 *                  subtask escalates
 * @param createdAt when the subtask entered the system
 * @param keepToolOrder offer the request's tools in the given order, even on a route that ranks them by
 *                  relevance ({@code rankTools}); an agent's steps keep theirs, because relevance to the
 *                  whole task does not say which tool comes next
 * @param escalation the caller's own reason to send this subtask to the large model (a tool the SLM
 *                  called in the previous step threw), or {@code null}; honoured on SLM-first routes
 */
public record Subtask(String id, GenerationRequest request, String routeHint, Duration deadline, Instant createdAt,
                      boolean keepToolOrder, Escalation escalation) {

    /** Why the caller wants the large model for this subtask; it becomes the decision's reason and detail. */
    public record Escalation(EscalationReason reason, String detail) {
        public Escalation {
            Objects.requireNonNull(reason, "reason");
            if (reason == EscalationReason.NONE) {
                throw new IllegalArgumentException("an escalation needs a reason other than NONE");
            }
            detail = detail == null ? reason.name() : detail;
        }
    }

    public static final String AUTO = "auto";
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(60);

    public Subtask {
        Objects.requireNonNull(request, "request");
        id = id == null ? UUID.randomUUID().toString() : id;
        routeHint = routeHint == null || routeHint.isBlank() || routeHint.equals(AUTO) ? null : routeHint;
        deadline = deadline == null ? DEFAULT_DEADLINE : deadline;
        createdAt = createdAt == null ? Instant.now() : createdAt;
    }

    public Subtask(String id, GenerationRequest request, String routeHint, Duration deadline, Instant createdAt) {
        this(id, request, routeHint, deadline, createdAt, false, null);
    }

    public Subtask(String id, GenerationRequest request, String routeHint, Duration deadline, Instant createdAt, boolean keepToolOrder) {
        this(id, request, routeHint, deadline, createdAt, keepToolOrder, null);
    }

    /** A subtask the classifier routes, with the default deadline. */
    public static Subtask of(GenerationRequest request) {
        return new Subtask(null, request, null, null, null);
    }

    public Subtask withRouteHint(String hint) {
        return new Subtask(id, request, hint, deadline, createdAt, keepToolOrder, escalation);
    }

    public Subtask withDeadline(Duration budget) {
        return new Subtask(id, request, routeHint, budget, createdAt, keepToolOrder, escalation);
    }

    /** The same subtask, sent to the large model for the given reason (see {@link #escalation}). */
    public Subtask withEscalation(EscalationReason reason, String detail) {
        return new Subtask(id, request, routeHint, deadline, createdAt, keepToolOrder, new Escalation(reason, detail));
    }

    public Instant expiresAt() {
        return createdAt.plus(deadline);
    }
}
