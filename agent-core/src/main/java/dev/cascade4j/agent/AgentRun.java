package dev.cascade4j.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.router.EscalationReason;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.RouterException;
import dev.cascade4j.router.Subtask;
import dev.cascade4j.tools.ToolResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One run of an {@link Agent}: the conversation so far, the steps taken, and each step from model call to tool results. */
final class AgentRun {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Agent agent;
    private final Instant start = Instant.now();
    private final Instant deadline;
    private final List<ChatMessage> messages = new ArrayList<>();
    private final List<AgentStep> steps = new ArrayList<>();
    private final LoopDetector loops;
    // The loop seen in the last step (its tool sits out the next step, which goes to the large model); null when none.
    private LoopDetector.Loop pendingLoop;
    // Whether a loop already sent a step to the large model: a second one ends the run.
    private boolean loopEscalated;
    // What failed in the last step's tool calls, for the next step's escalation; null when nothing did.
    private String lastFailure;

    AgentRun(Agent agent, String task) {
        this.agent = agent;
        this.deadline = start.plus(agent.timeBudget);
        this.loops = new LoopDetector(task, agent.repeatedToolLimit);
        if (agent.systemPrompt != null) {
            messages.add(ChatMessage.system(agent.systemPrompt));
        }
        messages.add(ChatMessage.user(task));
    }

    /** Takes the next step, and the ones after it, until the run ends. */
    Future<AgentResult> step() {
        if (steps.size() >= agent.maxSteps) {
            return Future.succeededFuture(finish(null, AgentResult.StopReason.STEP_LIMIT, "no final answer in " + agent.maxSteps + " steps"));
        }
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            return Future.succeededFuture(finish(null, AgentResult.StopReason.TIME_BUDGET,
                    "the time budget of " + agent.timeBudget.toMillis() + " ms ran out before step " + (steps.size() + 1)));
        }
        // The step's deadline is its own when that is shorter than what is left of the budget.
        boolean ownDeadline = agent.stepTimeout != null && agent.stepTimeout.compareTo(left) < 0;
        Duration stepDeadline = ownDeadline ? agent.stepTimeout : left;
        LoopDetector.Loop loop = pendingLoop;
        pendingLoop = null;
        List<ToolSpec> offered = new ArrayList<>(agent.offeredTools());
        if (loop != null) {
            offered.removeIf(t -> t.name().equals(loop.tool()));
        }
        GenerationRequest.Builder request = GenerationRequest.builder().messages(messages).sampling(agent.sampling);
        if (!offered.isEmpty()) {
            request.tools(offered).toolChoice(agent.finalAnswerTool ? ToolChoice.REQUIRED : ToolChoice.AUTO).parallelToolCalls(agent.parallelToolCalls);
        }
        Subtask subtask = new Subtask(null, request.build(), agent.routeHint, stepDeadline, null, true);
        if (lastFailure != null && agent.escalateOnToolFailure) {
            // The SLM chose a call that failed: recovering from it is the large model's job.
            subtask = subtask.withEscalation(EscalationReason.TOOL_FAILED, lastFailure);
        } else if (loop != null) {
            // Small models re-apply a tool to its own result (convert, convert again, ...) until the step limit.
            subtask = subtask.withEscalation(EscalationReason.REPEATED_TOOL, loop.detail() + "; " + loop.tool() + " is not offered in this step");
        }
        lastFailure = null;
        long modelStart = System.nanoTime();
        return agent.router.route(subtask)
                .compose(routed -> afterModel(routed, Duration.ofNanos(System.nanoTime() - modelStart), stepDeadline, ownDeadline))
                .recover(e -> Future.succeededFuture(failed(e, stepDeadline, ownDeadline)));
    }

    private Future<AgentResult> afterModel(RoutedAnswer routed, Duration modelTime, Duration stepDeadline, boolean ownDeadline) {
        GenerationResult answer = routed.answer();
        int index = steps.size() + 1;
        if (answer.finishReason() == FinishReason.CANCELLED) {
            // The router returns an answer cut off at the deadline only as a fallback: it is not one.
            steps.add(new AgentStep(index, routed.subtask().id(), routed.decision(), answer.text(), answer.toolCalls(), List.of(), modelTime, Duration.ZERO));
            return Future.succeededFuture(finish(null, timeoutReason(ownDeadline), "step " + index + " was cut off at its deadline of "
                    + stepDeadline.toMillis() + " ms after " + answer.usage().completionTokens() + " tokens"));
        }
        if (!answer.hasToolCalls()) {
            steps.add(new AgentStep(index, routed.subtask().id(), routed.decision(), answer.text(), List.of(), List.of(), modelTime, Duration.ZERO));
            // Text cut off at the token limit is not an answer (under a tool grammar it is an unfinished call).
            if (answer.finishReason() == FinishReason.LENGTH) {
                return Future.succeededFuture(finish(null, AgentResult.StopReason.INCOMPLETE_OUTPUT,
                        "step " + index + " was cut off at the token limit after " + answer.usage().completionTokens() + " tokens"));
            }
            return Future.succeededFuture(answered(answer.text(), index));
        }
        List<ToolCall> calls = answer.toolCalls();
        for (ToolCall call : calls) {
            if (call.name().equals(Agent.FINAL_ANSWER_TOOL)) {
                steps.add(new AgentStep(index, routed.subtask().id(), routed.decision(), null, calls, List.of(), modelTime, Duration.ZERO));
                return Future.succeededFuture(answered(finalAnswerOf(call), index));
            }
        }
        // A call whose result the model already has, or a tool fed a number it returned itself, is a loop:
        // it is not run (a repeat is answered from the earlier result) and does not enter the conversation.
        List<String> keys = calls.stream().map(LoopDetector::callKey).toList();
        List<ToolResult> notRun = new ArrayList<>();
        LoopDetector.Loop loop = null;
        for (int i = 0; i < calls.size(); i++) {
            ToolCall call = calls.get(i);
            ToolResult earlier = loops.earlierResult(keys.get(i));
            String fed = earlier != null || agent.repeatedToolLimit == 0 ? null : loops.ownOutputFed(call);
            if (earlier != null) {
                notRun.add(earlier);
                loop = loop != null ? loop : new LoopDetector.Loop(call.name(), "tool " + call.name() + " was called again with "
                        + call.arguments() + ", whose result the model already has");
            } else if (fed != null) {
                notRun.add(new ToolResult(call.name(), ToolResult.Status.NOT_RUN, "not run: " + fed, List.of(), Duration.ZERO));
                loop = loop != null ? loop : new LoopDetector.Loop(call.name(), fed);
            } else {
                notRun.add(null);
            }
        }
        long toolStart = System.nanoTime();
        List<CompletableFuture<ToolResult>> running = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            running.add(notRun.get(i) != null ? CompletableFuture.completedFuture(notRun.get(i))
                    : agent.tools.execute(calls.get(i).name(), calls.get(i).arguments()));
        }
        LoopDetector.Loop found = loop;
        Promise<AgentResult> next = Promise.promise();
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).whenComplete((ignored, error) -> {
            try {
                // ToolExecutor turns failures into results, so every future completes normally.
                List<ToolResult> results = running.stream().map(CompletableFuture::join).toList();
                steps.add(new AgentStep(index, routed.subtask().id(), routed.decision(), null, calls, results, modelTime,
                        Duration.ofNanos(System.nanoTime() - toolStart)));
                List<ToolCall> ran = new ArrayList<>();
                for (int i = 0; i < calls.size(); i++) {
                    if (notRun.get(i) == null) {
                        ran.add(calls.get(i));
                    }
                }
                if (!ran.isEmpty()) {
                    messages.add(ChatMessage.assistant(ran));
                }
                for (int i = 0; i < calls.size(); i++) {
                    if (notRun.get(i) != null) {
                        continue;
                    }
                    ToolCall call = calls.get(i);
                    ToolResult r = results.get(i);
                    loops.ran(keys.get(i), call, r);
                    if (!r.ok() && lastFailure == null) {
                        lastFailure = "tool " + call.name() + " failed in step " + index + ": " + r.content();
                    }
                    messages.add(ChatMessage.toolResult(call.id(), call.name(), r.ok() ? r.content() : "error: " + r.content()));
                }
                LoopDetector.Loop signal = found != null ? found : loops.consecutive(steps);
                if (signal != null && agent.repeatedToolLimit > 0) {
                    if (loopEscalated) {
                        next.complete(finish(null, AgentResult.StopReason.TOOL_LOOP, signal.detail()
                                + " (step " + index + "), after an earlier loop had already sent a step to the large model"));
                        return;
                    }
                    loopEscalated = true;
                    pendingLoop = signal;
                }
                step().onComplete(next);
            } catch (RuntimeException e) {
                next.tryFail(e);
            }
        });
        return next.future();
    }

    private AgentResult answered(String answer, int index) {
        if (answer == null || answer.isBlank()) {
            return finish(null, AgentResult.StopReason.NO_ANSWER, "step " + index + " ended the run with an empty answer");
        }
        return finish(answer, AgentResult.StopReason.FINAL_ANSWER, "final answer in step " + index);
    }

    /** The result of a step the router failed: out of time is the budget's or the step's, anything else an error. */
    private AgentResult failed(Throwable error, Duration stepDeadline, boolean ownDeadline) {
        Throwable e = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof RouterException.DeadlineExceeded) {
            return finish(null, timeoutReason(ownDeadline), "step " + (steps.size() + 1) + " had no answer within its deadline of "
                    + stepDeadline.toMillis() + " ms: " + e.getMessage());
        }
        return new AgentResult(null, AgentResult.StopReason.ERROR, "step " + (steps.size() + 1) + " failed: " + e.getMessage(), e,
                steps, Duration.between(start, Instant.now()));
    }

    private AgentResult.StopReason timeoutReason(boolean ownDeadline) {
        return ownDeadline ? AgentResult.StopReason.SLM_TIMEOUT : AgentResult.StopReason.TIME_BUDGET;
    }

    private AgentResult finish(String answer, AgentResult.StopReason reason, String detail) {
        return new AgentResult(answer, reason, detail, null, steps, Duration.between(start, Instant.now()));
    }

    private static String finalAnswerOf(ToolCall call) {
        try {
            JsonNode args = JSON.readTree(call.arguments());
            return args.path("answer").isTextual() ? args.get("answer").asText() : args.toString();
        } catch (Exception e) {
            return call.arguments();
        }
    }
}
