package dev.cascade4j.router;

import dev.cascade4j.router.config.Route;

/**
 * What happens next to a subtask, as {@link RoutingPolicy} decides it and {@link CascadeRouter}
 * carries it out. A subtask's path is a short chain of plans: for example {@code TrySlm → GoLarge},
 * or {@code GoLarge → FallBack} when no large model answered.
 */
sealed interface Plan {

    /** Answer on the local model the caller named: judged, never escalated. */
    record ServeDirectly(String model) implements Plan {
    }

    /** Answer on the route's SLM, then judge the answer. */
    record TrySlm(Route route) implements Plan {
    }

    /**
     * Ask the large model, because of {@code reason}.
     *
     * @param slm      the SLM's answer it replaces, or {@code null} when no SLM answered
     * @param slmError why the SLM failed, or {@code null}; with no large model it is the caller's error
     */
    record GoLarge(EscalationReason reason, String detail, SlmOutcome slm, Throwable slmError) implements Plan {
        GoLarge(EscalationReason reason, String detail) {
            this(reason, detail, null, null);
        }
    }

    /** Keep the SLM's answer. */
    record Accept(SlmOutcome slm, String detail) implements Plan {
    }

    /**
     * The large model was wanted for {@code reason} but did not answer: return the SLM's answer marked
     * low-confidence, generating it first on the fallback model when {@code slm} is {@code null}.
     */
    record FallBack(EscalationReason reason, String detail, SlmOutcome slm) implements Plan {
    }

    /** Stop with this error: the caller's to fix (a bad request) or to retry (overloaded, too short a deadline). */
    record Fail(RuntimeException error) implements Plan {
    }
}
