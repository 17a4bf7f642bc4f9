package dev.cascade4j.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.tools.ToolResult.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Runs tools: validates the arguments against the tool's schema, then runs the tool on a virtual
 * thread under its time limit. At most {@code maxConcurrent} tools run at once; a call beyond that is
 * rejected at once rather than queued without bound. Every outcome, including a bad argument, an
 * exception and a timeout, is a {@link ToolResult}; the returned future never fails.
 *
 * <p>A tool that overruns its limit is interrupted and its result says so; its slot is freed only
 * when the thread really ends, so a tool that ignores interruption keeps counting against the bound.
 */
public final class ToolExecutor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ToolExecutor.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ToolRegistry registry;
    private final int maxConcurrent;
    private final Semaphore slots;
    private final ScheduledExecutorService timer;

    public ToolExecutor(ToolRegistry registry, int maxConcurrent) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1, got " + maxConcurrent);
        }
        this.registry = registry;
        this.maxConcurrent = maxConcurrent;
        this.slots = new Semaphore(maxConcurrent);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon(true).name("cascade4j-tool-timer").unstarted(r));
    }

    public ToolRegistry registry() {
        return registry;
    }

    /** Runs a tool with arguments given as JSON text (as a model writes them). */
    public CompletableFuture<ToolResult> execute(String name, String argumentsJson) {
        long start = System.nanoTime();
        JsonNode arguments;
        try {
            arguments = argumentsJson == null || argumentsJson.isBlank() ? JSON.createObjectNode() : JSON.readTree(argumentsJson);
        } catch (JsonProcessingException e) {
            return CompletableFuture.completedFuture(new ToolResult(name, Status.INVALID_ARGUMENTS,
                    "arguments of tool " + name + " are not valid JSON: " + e.getOriginalMessage(),
                    List.of("$: " + e.getOriginalMessage()), since(start)));
        }
        return execute(name, arguments);
    }

    /** Runs a tool with parsed arguments. */
    public CompletableFuture<ToolResult> execute(String name, JsonNode arguments) {
        long start = System.nanoTime();
        RegisteredTool tool = registry.find(name).orElse(null);
        if (tool == null) {
            return done(new ToolResult(name, Status.UNKNOWN_TOOL, "no tool named '" + name + "'; known: "
                    + String.join(", ", registry.names()), List.of(), since(start)));
        }
        List<String> errors = tool.arguments().validate(arguments);
        if (!errors.isEmpty()) {
            return done(new ToolResult(name, Status.INVALID_ARGUMENTS, "arguments of tool " + name
                    + " do not match its schema: " + String.join("; ", errors), errors, since(start)));
        }
        if (!slots.tryAcquire()) {
            return done(new ToolResult(name, Status.REJECTED, "tool " + name + " was not run: all " + maxConcurrent
                    + " tool execution slots are busy; retry shortly", List.of(), since(start)));
        }
        CompletableFuture<ToolResult> result = new CompletableFuture<>();
        Thread worker = Thread.ofVirtual().name("cascade4j-tool-" + name).unstarted(() -> {
            ToolResult outcome;
            try {
                String output = tool.function().call(arguments);
                outcome = new ToolResult(name, Status.OK, output == null ? "" : output, List.of(), since(start));
            } catch (InterruptedException e) {
                outcome = timedOut(tool, start);
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.DEBUG, "tool " + name + " failed", e);
                // The tool's own words reach the model and HTTP clients; the exception's class is for the server log.
                outcome = new ToolResult(name, Status.FAILED, "tool " + name + " failed: "
                        + (e.getMessage() == null || e.getMessage().isBlank() ? "it gave no reason" : e.getMessage()), List.of(), since(start));
            }
            // Free the slot before completing, so a caller that sees the result also sees the slot free.
            slots.release();
            result.complete(outcome);
        });
        ScheduledFuture<?> deadline = timer.schedule(() -> {
            if (result.complete(timedOut(tool, start))) {
                worker.interrupt();
            }
        }, tool.timeout().toNanos(), TimeUnit.NANOSECONDS);
        result.whenComplete((r, e) -> deadline.cancel(false));
        worker.start();
        return result;
    }

    /** Tools running now. */
    public int running() {
        return maxConcurrent - slots.availablePermits();
    }

    private static ToolResult timedOut(RegisteredTool tool, long start) {
        return new ToolResult(tool.name(), Status.TIMEOUT, "tool " + tool.name() + " did not finish within its time limit of "
                + tool.timeout().toMillis() + " ms and was interrupted", List.of(), since(start));
    }

    private static CompletableFuture<ToolResult> done(ToolResult r) {
        return CompletableFuture.completedFuture(r);
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
