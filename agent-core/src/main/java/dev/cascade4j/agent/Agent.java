package dev.cascade4j.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.SamplingParams;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.router.EscalationReason;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.Router;
import dev.cascade4j.router.RouterException;
import dev.cascade4j.router.Subtask;
import dev.cascade4j.tools.ToolExecutor;
import dev.cascade4j.tools.ToolRegistry;
import dev.cascade4j.tools.ToolResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An agent: a system prompt, tools and a router. {@link #run} loops: the model proposes tool calls,
 * the tools run (in parallel within a step), their results go back, until the model gives its final
 * answer, the step limit or the time budget. Every model call is a {@link Subtask} the router
 * classifies, so each step can land on a different specialist. The result's
 * {@link AgentResult.StopReason} says what ended the run; only {@code FINAL_ANSWER} carries an answer,
 * and it is never empty. A router failure is a result with {@code ERROR}, not a failed future.
 *
 * <p>By default the model ends the loop by calling a built-in {@code final_answer} tool, and every
 * step is decoded under the tool-call grammar ({@code tool_choice: required}). Small models follow a
 * grammar far more reliably than a free choice between prose and a tool call, and the grammar makes
 * every step parseable. A model that answers with plain text (e.g. a large model after escalation)
 * ends the loop too.
 */
public final class Agent implements AutoCloseable {
    public static final String FINAL_ANSWER_TOOL = "final_answer";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ToolSpec FINAL_ANSWER = new ToolSpec(FINAL_ANSWER_TOOL,
            "Give the final answer to the task, once the tool results contain what is needed.",
            JSON.createObjectNode().put("type", "object")
                    .<com.fasterxml.jackson.databind.node.ObjectNode>set("properties", JSON.createObjectNode()
                            .set("answer", JSON.createObjectNode().put("type", "string").put("minLength", 1)))
                    .set("required", JSON.createArrayNode().add("answer")));

    private final Router router;
    private final ToolExecutor tools;
    private final boolean ownsExecutor;
    private final String systemPrompt;
    private final String routeHint;
    private final int maxSteps;
    private final Duration timeBudget;
    private final Duration stepTimeout;
    private final SamplingParams sampling;
    private final boolean finalAnswerTool;
    private final boolean parallelToolCalls;
    private final boolean escalateOnToolFailure;
    private final int repeatedToolLimit;

    private Agent(Builder b) {
        this.router = Objects.requireNonNull(b.router, "router: an agent needs a Router (e.g. CascadeRouter.builder(vertx)...build())");
        ToolRegistry registry = b.registry.build();
        this.ownsExecutor = b.executor == null;
        this.tools = b.executor != null ? b.executor : new ToolExecutor(registry, b.toolConcurrency);
        this.systemPrompt = b.systemPrompt;
        this.routeHint = b.routeHint;
        this.maxSteps = b.maxSteps;
        this.timeBudget = b.timeBudget;
        this.stepTimeout = b.stepTimeout;
        this.sampling = b.sampling;
        this.finalAnswerTool = b.finalAnswerTool;
        this.parallelToolCalls = b.parallelToolCalls;
        this.escalateOnToolFailure = b.escalateOnToolFailure;
        this.repeatedToolLimit = b.repeatedToolLimit;
        if (tools.registry().find(FINAL_ANSWER_TOOL).isPresent()) {
            throw new IllegalArgumentException("a tool may not be named " + FINAL_ANSWER_TOOL + "; the agent uses that name to finish");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the task and waits for the result. Blocks the calling thread, so it must not be called on a
     * Vert.x event loop; use {@link #runAsync} there.
     */
    public AgentResult run(String task) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("Agent.run blocks; on an event loop use runAsync(task)");
        }
        return runAsync(task).toCompletionStage().toCompletableFuture().join();
    }

    /** Runs the task without blocking; the future completes with the result (a router failure is a result with stop reason ERROR). */
    public Future<AgentResult> runAsync(String task) {
        if (task == null || task.isBlank()) {
            return Future.failedFuture(new IllegalArgumentException("the task is empty"));
        }
        Run run = new Run(task);
        return run.step();
    }

    /** The tools the model is offered (the built-in final_answer included when enabled). */
    public List<ToolSpec> offeredTools() {
        List<ToolSpec> offered = new ArrayList<>(tools.registry().specs());
        if (finalAnswerTool) {
            offered.add(FINAL_ANSWER);
        }
        return offered;
    }

    @Override
    public void close() {
        if (ownsExecutor) {
            tools.close();
        }
    }

    /** The state of one run: the conversation so far and the steps taken. */
    private final class Run {
        private final Instant start = Instant.now();
        private final Instant deadline = start.plus(timeBudget);
        private final String task;
        private final List<ChatMessage> messages = new ArrayList<>();
        private final List<AgentStep> steps = new ArrayList<>();
        // Results of the calls made so far, by tool name and canonical arguments.
        private final Map<String, ToolResult> done = new HashMap<>();
        // The content of each tool's successful results so far, by tool name.
        private final Map<String, List<String>> outputs = new HashMap<>();
        // The loop seen in the last step (its tool sits out the next step, which goes to the large model); null when none.
        private Loop pendingLoop;
        // Whether a loop already sent a step to the large model: a second one ends the run.
        private boolean loopEscalated;
        // What failed in the last step's tool calls, for the next step's escalation; null when nothing did.
        private String lastFailure;

        Run(String task) {
            this.task = task;
            if (systemPrompt != null) {
                messages.add(ChatMessage.system(systemPrompt));
            }
            messages.add(ChatMessage.user(task));
        }

        Future<AgentResult> step() {
            if (steps.size() >= maxSteps) {
                return Future.succeededFuture(finish(null, AgentResult.StopReason.STEP_LIMIT, "no final answer in " + maxSteps + " steps"));
            }
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                return Future.succeededFuture(finish(null, AgentResult.StopReason.TIME_BUDGET,
                        "the time budget of " + timeBudget.toMillis() + " ms ran out before step " + (steps.size() + 1)));
            }
            // The step's deadline is its own when that is shorter than what is left of the budget.
            boolean ownDeadline = stepTimeout != null && stepTimeout.compareTo(left) < 0;
            Duration stepDeadline = ownDeadline ? stepTimeout : left;
            Loop loop = pendingLoop;
            pendingLoop = null;
            List<ToolSpec> offered = new ArrayList<>(offeredTools());
            if (loop != null) {
                offered.removeIf(t -> t.name().equals(loop.tool()));
            }
            GenerationRequest.Builder request = GenerationRequest.builder().messages(messages).sampling(sampling);
            if (!offered.isEmpty()) {
                request.tools(offered).toolChoice(finalAnswerTool ? ToolChoice.REQUIRED : ToolChoice.AUTO).parallelToolCalls(parallelToolCalls);
            }
            Subtask subtask = new Subtask(null, request.build(), routeHint, stepDeadline, null, true);
            if (lastFailure != null && escalateOnToolFailure) {
                // The SLM chose a call that failed: recovering from it is the large model's job.
                subtask = subtask.withEscalation(EscalationReason.TOOL_FAILED, lastFailure);
            } else if (loop != null) {
                // Small models re-apply a tool to its own result (convert, convert again, ...) until the step limit.
                subtask = subtask.withEscalation(EscalationReason.REPEATED_TOOL, loop.detail() + "; " + loop.tool() + " is not offered in this step");
            }
            lastFailure = null;
            long modelStart = System.nanoTime();
            return router.route(subtask)
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
                if (call.name().equals(FINAL_ANSWER_TOOL)) {
                    steps.add(new AgentStep(index, routed.subtask().id(), routed.decision(), null, calls, List.of(), modelTime, Duration.ZERO));
                    return Future.succeededFuture(answered(finalAnswerOf(call), index));
                }
            }
            // A call whose result the model already has, or a tool fed a number it returned itself, is a loop:
            // it is not run (a repeat is answered from the earlier result) and does not enter the conversation.
            List<String> keys = calls.stream().map(Agent::callKey).toList();
            List<ToolResult> notRun = new ArrayList<>();
            Loop loop = null;
            for (int i = 0; i < calls.size(); i++) {
                ToolCall call = calls.get(i);
                ToolResult earlier = done.get(keys.get(i));
                String fed = earlier != null || repeatedToolLimit == 0 ? null : ownOutputFed(call);
                if (earlier != null) {
                    notRun.add(earlier);
                    loop = loop != null ? loop : new Loop(call.name(), "tool " + call.name() + " was called again with " + call.arguments()
                            + ", whose result the model already has");
                } else if (fed != null) {
                    notRun.add(new ToolResult(call.name(), ToolResult.Status.NOT_RUN, "not run: " + fed, List.of(), Duration.ZERO));
                    loop = loop != null ? loop : new Loop(call.name(), fed);
                } else {
                    notRun.add(null);
                }
            }
            long toolStart = System.nanoTime();
            List<CompletableFuture<ToolResult>> running = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                running.add(notRun.get(i) != null ? CompletableFuture.completedFuture(notRun.get(i))
                        : tools.execute(calls.get(i).name(), calls.get(i).arguments()));
            }
            Loop found = loop;
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
                        done.putIfAbsent(keys.get(i), r);
                        if (r.ok()) {
                            outputs.computeIfAbsent(call.name(), k -> new ArrayList<>()).add(r.content());
                        } else if (lastFailure == null) {
                            lastFailure = "tool " + call.name() + " failed in step " + index + ": " + r.content();
                        }
                        messages.add(ChatMessage.toolResult(call.id(), call.name(), r.ok() ? r.content() : "error: " + r.content()));
                    }
                    Loop signal = found != null ? found : consecutiveLoop();
                    if (signal != null && repeatedToolLimit > 0) {
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

        /** The tool every one of the last {@code repeatedToolLimit} steps called, alone; null when there is none. */
        private Loop consecutiveLoop() {
            if (repeatedToolLimit < 1 || steps.size() < repeatedToolLimit) {
                return null;
            }
            String tool = null;
            for (AgentStep step : steps.subList(steps.size() - repeatedToolLimit, steps.size())) {
                if (step.toolCalls().size() != 1 || (tool != null && !tool.equals(step.toolCalls().getFirst().name()))) {
                    return null;
                }
                tool = step.toolCalls().getFirst().name();
            }
            return new Loop(tool, "tool " + tool + " was called in the last " + repeatedToolLimit + " steps");
        }

        /**
         * Says so when a number among the call's arguments (other than a single digit) is one the same
         * tool returned earlier and the task does not mention: the tool applied to its own result (1200
         * to 1320, then 1320 to 1452, ...).
         */
        private String ownOutputFed(ToolCall call) {
            List<String> earlier = outputs.get(call.name());
            if (earlier == null) {
                return null;
            }
            JsonNode args;
            try {
                args = JSON.readTree(call.arguments() == null ? "{}" : call.arguments());
            } catch (Exception e) {
                return null;
            }
            List<Double> inTask = numbersIn(task);
            for (double value : numbersIn(args)) {
                // Single digits are pages, counts and indexes, which any text is full of: no evidence of a loop.
                if ((value == Math.rint(value) && Math.abs(value) < 10) || containsNumber(inTask, value)) {
                    continue;
                }
                for (String output : earlier) {
                    if (containsNumber(numbersIn(output), value)) {
                        return "tool " + call.name() + " was given " + NUMBER_FORMAT.apply(value) + ", a number it returned itself (\""
                                + output + "\"), which the task does not mention";
                    }
                }
            }
            return null;
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
    }

    /** A loop the agent saw: the tool that sits out the next step, and what it did. */
    private record Loop(String tool, String detail) {
    }

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:[.,]\\d+)*");
    private static final java.util.function.DoubleFunction<String> NUMBER_FORMAT =
            v -> v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);

    /** The numbers written in a text ("1,320.5" as 1320.5). */
    private static List<Double> numbersIn(String text) {
        List<Double> numbers = new ArrayList<>();
        Matcher m = NUMBER.matcher(text == null ? "" : text);
        while (m.find()) {
            String n = m.group();
            // A comma followed by three digits groups thousands; any other comma is a decimal separator.
            n = n.matches("-?\\d{1,3}(,\\d{3})+(\\.\\d+)?") ? n.replace(",", "") : n.replace(',', '.');
            try {
                numbers.add(Double.parseDouble(n));
            } catch (NumberFormatException ignored) {
                // "1.2.3" is no number
            }
        }
        return numbers;
    }

    /** The numbers among a call's argument values, numeric or written in a string. */
    private static List<Double> numbersIn(JsonNode node) {
        List<Double> numbers = new ArrayList<>();
        if (node.isNumber()) {
            numbers.add(node.asDouble());
        } else if (node.isTextual()) {
            numbers.addAll(numbersIn(node.asText()));
        } else {
            node.forEach(child -> numbers.addAll(numbersIn(child)));
        }
        return numbers;
    }

    private static boolean containsNumber(List<Double> numbers, double value) {
        for (double n : numbers) {
            if (Math.abs(n - value) <= 1e-9 * Math.max(1, Math.abs(value))) {
                return true;
            }
        }
        return false;
    }

    private static String callKey(ToolCall call) {
        try {
            return call.name() + JSON.readTree(call.arguments() == null ? "{}" : call.arguments());
        } catch (Exception e) {
            return call.name() + call.arguments();
        }
    }

    private static String finalAnswerOf(ToolCall call) {
        try {
            JsonNode args = JSON.readTree(call.arguments());
            return args.path("answer").isTextual() ? args.get("answer").asText() : args.toString();
        } catch (Exception e) {
            return call.arguments();
        }
    }

    public static final class Builder {
        private Router router;
        private final ToolRegistry.Builder registry = ToolRegistry.builder();
        private ToolExecutor executor;
        private String systemPrompt;
        private String routeHint;
        private int maxSteps = 8;
        private Duration timeBudget = Duration.ofMinutes(2);
        private Duration stepTimeout;
        private SamplingParams sampling = SamplingParams.DEFAULT;
        private int toolConcurrency = 16;
        private boolean finalAnswerTool = true;
        private boolean parallelToolCalls;
        private boolean escalateOnToolFailure = true;
        private int repeatedToolLimit = 2;

        private Builder() {
        }

        /** The router every model call goes through. */
        public Builder router(Router router) {
            this.router = router;
            return this;
        }

        /** Adds every {@code @Tool} method of each object. */
        public Builder tools(Object... annotatedObjects) {
            for (Object o : annotatedObjects) {
                registry.annotated(o);
            }
            return this;
        }

        /** Adds a tool given by its specification and its body. */
        public Builder tool(ToolSpec spec, dev.cascade4j.tools.ToolFunction function) {
            registry.tool(spec, function);
            return this;
        }

        /** Uses an existing executor (and its registry) instead of the tools added here; the agent does not close it. */
        public Builder toolExecutor(ToolExecutor executor) {
            this.executor = executor;
            return this;
        }

        public Builder systemPrompt(String systemPrompt) {
            this.systemPrompt = systemPrompt;
            return this;
        }

        /** A route or local model every step goes to; by default the router classifies each step. */
        public Builder route(String routeHint) {
            this.routeHint = routeHint;
            return this;
        }

        /** Most model calls in one run (default 8). */
        public Builder maxSteps(int maxSteps) {
            if (maxSteps < 1) {
                throw new IllegalArgumentException("maxSteps must be at least 1, got " + maxSteps);
            }
            this.maxSteps = maxSteps;
            return this;
        }

        /** Wall-time budget of one run (default 2 minutes); each step's deadline is what is left of it. */
        public Builder timeBudget(Duration timeBudget) {
            if (timeBudget.isNegative() || timeBudget.isZero()) {
                throw new IllegalArgumentException("timeBudget must be positive, got " + timeBudget);
            }
            this.timeBudget = timeBudget;
            return this;
        }

        /**
         * Most time one step's model call may take (default: what is left of the time budget). A step
         * with no whole answer by then ends the run with {@code SLM_TIMEOUT}, unless the router's large
         * model answered it in time.
         */
        public Builder stepTimeout(Duration stepTimeout) {
            if (stepTimeout.isNegative() || stepTimeout.isZero()) {
                throw new IllegalArgumentException("stepTimeout must be positive, got " + stepTimeout);
            }
            this.stepTimeout = stepTimeout;
            return this;
        }

        /** Sampling for every step (default greedy, so runs are repeatable). */
        public Builder sampling(SamplingParams sampling) {
            this.sampling = Objects.requireNonNull(sampling);
            return this;
        }

        /** Most tool calls running at once (default 16). */
        public Builder toolConcurrency(int toolConcurrency) {
            this.toolConcurrency = toolConcurrency;
            return this;
        }

        /**
         * Whether the model finishes by calling the built-in {@code final_answer} tool under a
         * required-tool grammar (default, best for small models) or by answering in prose.
         */
        public Builder finalAnswerTool(boolean enabled) {
            this.finalAnswerTool = enabled;
            return this;
        }

        /**
         * Whether one step may propose several calls (run in parallel). Off by default: models below a
         * billion parameters keep to a single call far better than to a list of them.
         */
        public Builder parallelToolCalls(boolean enabled) {
            this.parallelToolCalls = enabled;
            return this;
        }

        /**
         * How the agent breaks a loop over a tool. Three things count as a loop: a call whose result the
         * model already has (same tool, same arguments: answered from the earlier result, not run again),
         * a tool given a number (not a single digit) that same tool returned and the task does not
         * mention (1200 euros converted to 1320, then 1320 converted again: not run), and the same single
         * tool called in this many consecutive steps (run). The first loop of a run escalates: the next step goes to the
         * large model ({@code REPEATED_TOOL}) without that tool on offer. A second loop in the same run
         * ends it with {@code TOOL_LOOP} and no answer. Default 2; 0 turns loop handling off (a repeated
         * call is still answered from the earlier result).
         */
        public Builder repeatedToolLimit(int steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("repeatedToolLimit must be 0 (off) or more, got " + steps);
            }
            this.repeatedToolLimit = steps;
            return this;
        }

        /**
         * Whether the step after a failed tool call (it threw or timed out) goes to the large model, with
         * reason {@code TOOL_FAILED}. On by default; without a large model the SLM answers it, marked as a
         * fallback.
         */
        public Builder escalateOnToolFailure(boolean enabled) {
            this.escalateOnToolFailure = enabled;
            return this;
        }

        public Agent build() {
            return new Agent(this);
        }
    }
}
