package dev.cascade4j.router.internal.escalate;

import dev.cascade4j.router.EscalationReason;

/** Why an SLM answer is not good enough, with a human-readable detail. */
public record Verdict(EscalationReason reason, String detail) {
}
