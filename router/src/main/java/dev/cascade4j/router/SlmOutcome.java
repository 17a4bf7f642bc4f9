package dev.cascade4j.router;

import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.router.internal.escalate.OutputJudge;

/**
 * What a local model gave for a subtask.
 *
 * @param model          the local model's name
 * @param sent           the request it answered
 * @param result         its answer, partial when cut at the deadline; {@code null} when the deadline passed before it started
 * @param timedOut       the deadline cut the answer
 * @param deadlineMillis the subtask's deadline
 * @param judgement      the judge's verdict and confidence, or {@code null} when the answer was not judged
 */
record SlmOutcome(String model, GenerationRequest sent, GenerationResult result, boolean timedOut, long deadlineMillis,
                  OutputJudge.Judgement judgement) {

    SlmOutcome judged(OutputJudge.Judgement j) {
        return new SlmOutcome(model, sent, result, timedOut, deadlineMillis, j);
    }

    String timeoutDetail() {
        int tokens = result == null ? 0 : result.usage().completionTokens();
        return "no SLM answer within the deadline of " + deadlineMillis + " ms; cancelled after " + tokens + " tokens";
    }
}
