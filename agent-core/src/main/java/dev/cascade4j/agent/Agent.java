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
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * An agent: a system prompt, tools and a router. {@link #run} loops: the model proposes tool calls,
 * the tools run (in parallel within a step), their results go back, until the model gives its final
 * answer, the step limit or the time budget. Every model call is a {@link Subtask} the router
 * classifies, so each step can land on a different specialist.
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
                            .set("answer", JSON.createObjectNode().put("type", "string")))
                    .set("required", JSON.createArrayNode().add("answer")));

    private final Router router;
    private final ToolExecutor tools;
    private final boolean ownsExecutor;
    private final String systemPrompt;
    private final String routeHint;
    private final int maxSteps;
    private final Duration timeBudget;
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

    /** Runs the task without blocking; the future completes with the result or the router's failure. */
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
        private final List<ChatMessage> messages = new ArrayList<>();
        private final List<AgentStep> steps = new ArrayList<>();
        // Results of the calls made so far, by tool name and canonical arguments.
        private final java.util.Map<String, ToolResult> done = new java.util.HashMap<>();
        // Tools the model just asked for again with the same arguments: left out of the next step.
        private final java.util.Set<String> skipNext = new java.util.HashSet<>();
        // What failed in the last step's tool calls, for the next step's escalation; null when nothing did.
        private String lastFailure;

        Run(String task) {
            if (systemPrompt != null) {
                messages.add(ChatMessage.system(systemPrompt));
            }
            messages.add(ChatMessage.user(task));
        }

        Future<AgentResult> step() {
            if (steps.size() >= maxSteps) {
                return Future.succeededFuture(finish(null, AgentResult.StopReason.STEP_LIMIT));
            }
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                return Future.succeededFuture(finish(null, AgentResult.StopReason.TIME_BUDGET));
            }
            String repeated = repeatedTool();
            List<ToolSpec> offered = new ArrayList<>(offeredTools());
            // A tool called again and again sits out the next step, so the model has to move on.
            offered.removeIf(t -> skipNext.contains(t.name()) || t.name().equals(repeated));
            skipNext.clear();
            GenerationRequest.Builder request = GenerationRequest.builder().messages(messages).sampling(sampling);
            if (!offered.isEmpty()) {
                request.tools(offered).toolChoice(finalAnswerTool ? ToolChoice.REQUIRED : ToolChoice.AUTO).parallelToolCalls(parallelToolCalls);
            }
            Subtask subtask = new Subtask(null, request.build(), routeHint, left, null, true);
            if (lastFailure != null && escalateOnToolFailure) {
                // The SLM chose a call that failed: recovering from it is the large model's job.
                subtask = subtask.withEscalation(EscalationReason.TOOL_FAILED, lastFailure);
            } else if (repeated != null) {
                // Small models re-apply a tool to its own result (convert, convert again, ...) until the step limit.
                subtask = subtask.withEscalation(EscalationReason.REPEATED_TOOL, "tool " + repeated + " was called in the last "
                        + repeatedToolLimit + " steps; it is not offered in this one");
            }
            lastFailure = null;
            long modelStart = System.nanoTime();
            return router.route(subtask).compose(routed -> afterModel(routed, Duration.ofNanos(System.nanoTime() - modelStart)));
        }

        private Future<AgentResult> afterModel(RoutedAnswer routed, Duration modelTime) {
            GenerationResult answer = routed.answer();
            int index = steps.size() + 1;
            if (!answer.hasToolCalls()) {
                steps.add(new AgentStep(index, routed.subtask().id(), routed.decision(), answer.text(), List.of(), List.of(), modelTime, Duration.ZERO));
                // Text cut off at the token limit is not an answer (under a tool grammar it is an unfinished call).
                return Future.succeededFuture(answer.finishReason() == FinishReason.LENGTH
                        ? finish(null, AgentResult.StopReason.INCOMPLETE_OUTPUT)
                        : finish(answer.text(), AgentResult.StopReason.FINAL_ANSWER));
            }
            List<ToolCall> calls = answer.toolCalls();
            for (ToolCall call : calls) {
                if (call.name().equals(FINAL_ANSWER_TOOL)) {
                    steps.add(new AgentStep(index, routed.subtask().id(), routed.decision(), null, calls, List.of(), modelTime, Duration.ZERO));
                    return Future.succeededFuture(finish(finalAnswerOf(call), AgentResult.StopReason.FINAL_ANSWER));
                }
            }
            // Small models tend to repeat the call they just made. A repeat is answered from the earlier
            // result instead of running the tool again, and that tool sits out the next step.
            List<String> keys = calls.stream().map(Agent::callKey).toList();
            boolean allRepeated = keys.stream().allMatch(done::containsKey);
            long toolStart = System.nanoTime();
            List<CompletableFuture<ToolResult>> running = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                ToolResult earlier = done.get(keys.get(i));
                running.add(earlier != null ? CompletableFuture.completedFuture(earlier) : tools.execute(calls.get(i).name(), calls.get(i).arguments()));
            }
            Promise<AgentResult> next = Promise.promise();
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).whenComplete((ignored, error) -> {
                // ToolExecutor turns failures into results, so every future completes normally.
                List<ToolResult> results = running.stream().map(CompletableFuture::join).toList();
                for (int i = 0; i < results.size(); i++) {
                    if (!results.get(i).ok() && lastFailure == null) {
                        lastFailure = "tool " + calls.get(i).name() + " failed in step " + index + ": " + results.get(i).content();
                    }
                }
                steps.add(new AgentStep(index, routed.subtask().id(), routed.decision(), null, calls, results, modelTime,
                        Duration.ofNanos(System.nanoTime() - toolStart)));
                if (allRepeated) {
                    calls.forEach(c -> skipNext.add(c.name()));
                } else {
                    messages.add(ChatMessage.assistant(calls));
                    for (int i = 0; i < calls.size(); i++) {
                        ToolResult r = results.get(i);
                        done.putIfAbsent(keys.get(i), r);
                        messages.add(ChatMessage.toolResult(calls.get(i).id(), calls.get(i).name(), r.ok() ? r.content() : "error: " + r.content()));
                    }
                }
                step().onComplete(next);
            });
            return next.future();
        }

        /** The tool every one of the last {@code repeatedToolLimit} steps called, alone; null when there is none. */
        private String repeatedTool() {
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
            return tool;
        }

        private AgentResult finish(String answer, AgentResult.StopReason reason) {
            return new AgentResult(answer, reason, steps, Duration.between(start, Instant.now()));
        }
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
         * After this many consecutive steps that each called the same single tool, the next step goes to
         * the large model ({@code REPEATED_TOOL}) without that tool on offer; default 2, 0 turns it off.
         * Small models tend to re-apply a tool to its own result until the step limit.
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
