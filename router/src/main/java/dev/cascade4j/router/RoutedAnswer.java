package dev.cascade4j.router;

import dev.cascade4j.inference.GenerationResult;
import java.time.Duration;

/**
 * The outcome of routing one subtask: the answer returned to the caller, the decision, and both
 * models' answers for the query log.
 *
 * @param subtask       what was asked
 * @param decision      route, confidences, escalation and why
 * @param answer        the answer returned to the caller (the large model's when escalated)
 * @param slmAnswer     the SLM's answer, or {@code null} when no SLM ran (out of scope, route policy)
 * @param teacherAnswer the large model's answer, or {@code null} when it was not asked; the label for fine-tuning
 * @param latency       from the subtask's creation to the answer
 * @param routerTime    time spent in the router itself (embedding, classification, validation), model calls excluded
 */
public record RoutedAnswer(
        Subtask subtask,
        RoutingDecision decision,
        GenerationResult answer,
        GenerationResult slmAnswer,
        GenerationResult teacherAnswer,
        Duration latency,
        Duration routerTime) {
}
