package dev.cascade4j.agent;

import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.Timings;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.Usage;
import dev.cascade4j.router.EscalationReason;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.Router;
import dev.cascade4j.router.RoutingDecision;
import dev.cascade4j.router.Subtask;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A router that answers every subtask with what a script says and remembers what it was asked: for the
 * rules of the agent loop and the adapters, which must hold whatever a model says.
 */
final class ScriptedRouter implements Router {
    final List<Subtask> asked = new CopyOnWriteArrayList<>();
    private final Function<Subtask, Future<GenerationResult>> script;

    private ScriptedRouter(Function<Subtask, Future<GenerationResult>> script) {
        this.script = script;
    }

    /** Answers every subtask with the tool call the script gives. */
    static ScriptedRouter calls(Function<Subtask, ToolCall> script) {
        return new ScriptedRouter(s -> Future.succeededFuture(call(script.apply(s))));
    }

    /** Answers every subtask with the result, or fails it with the failure, the script gives. */
    static ScriptedRouter answers(Function<Subtask, Future<GenerationResult>> script) {
        return new ScriptedRouter(script);
    }

    static GenerationResult call(ToolCall call) {
        return new GenerationResult("", List.of(call), FinishReason.TOOL_CALLS, Confidence.NONE, new Usage(10, 0, 5, 0), new Timings(0, 1, 1));
    }

    static GenerationResult text(String text, FinishReason finish) {
        return new GenerationResult(text, List.of(), finish, Confidence.NONE, new Usage(10, 0, 5, 0), new Timings(0, 1, 1));
    }

    @Override
    public Future<RoutedAnswer> route(Subtask subtask) {
        asked.add(subtask);
        return script.apply(subtask).map(answer -> {
            Subtask.Escalation e = subtask.escalation();
            RoutingDecision decision = new RoutingDecision(subtask.id(), "tool_call", 1, 0.9, e != null,
                    e == null ? EscalationReason.NONE : e.reason(), e == null ? "small" : "large", false, "scripted");
            return new RoutedAnswer(subtask, decision, answer, answer, null, Duration.ZERO, Duration.ZERO);
        });
    }

    @Override
    public List<RouteInfo> routes() {
        return List.of();
    }

    @Override
    public List<String> localModels() {
        return List.of();
    }
}
