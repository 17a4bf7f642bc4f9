package dev.cascade4j.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.SamplingParams;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.router.Router;
import dev.cascade4j.router.Subtask;
import dev.cascade4j.tools.ToolExecutor;
import dev.cascade4j.tools.ToolRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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

    private final boolean ownsExecutor;
    // The settings every run follows; AgentRun reads them.
    final Router router;
    final ToolExecutor tools;
    final String systemPrompt;
    final String routeHint;
    final int maxSteps;
    final Duration timeBudget;
    final Duration stepTimeout;
    final SamplingParams sampling;
    final boolean finalAnswerTool;
    final boolean parallelToolCalls;
    final boolean escalateOnToolFailure;
    final int repeatedToolLimit;

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
        if (tools.registry().names().contains(FINAL_ANSWER_TOOL)) {
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
        return new AgentRun(this, task).step();
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
