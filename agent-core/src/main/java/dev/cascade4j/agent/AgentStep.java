package dev.cascade4j.agent;

import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.router.RoutingDecision;
import dev.cascade4j.tools.ToolResult;
import java.time.Duration;
import java.util.List;

/**
 * One turn of the agent loop: the model call (a routed subtask) and the tools it asked for.
 *
 * @param index     1-based step number
 * @param subtaskId the routed subtask's id (the query log's record id)
 * @param decision  how the router served the model call
 * @param text      the model's text, when it answered with text instead of tool calls
 * @param toolCalls the calls the model proposed, in order
 * @param results   each call's result, in the same order
 * @param modelTime time of the routed model call
 * @param toolTime  wall time of the step's tool calls (they run in parallel)
 */
public record AgentStep(
        int index,
        String subtaskId,
        RoutingDecision decision,
        String text,
        List<ToolCall> toolCalls,
        List<ToolResult> results,
        Duration modelTime,
        Duration toolTime) {

    public AgentStep {
        toolCalls = List.copyOf(toolCalls);
        results = List.copyOf(results);
    }
}
