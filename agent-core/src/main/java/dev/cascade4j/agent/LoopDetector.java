package dev.cascade4j.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.tools.ToolResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sees a run going round in circles over a tool: a call whose result the model already has, a tool
 * fed a number it returned itself, or one tool called alone step after step (see
 * {@link Agent.Builder#repeatedToolLimit}).
 */
final class LoopDetector {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A loop the agent saw: the tool that sits out the next step, and what it did. */
    record Loop(String tool, String detail) {
    }

    private final String task;
    private final int repeatedToolLimit;
    // Results of the calls made so far, by tool name and canonical arguments.
    private final Map<String, ToolResult> done = new HashMap<>();
    // The content of each tool's successful results so far, by tool name.
    private final Map<String, List<String>> outputs = new HashMap<>();

    LoopDetector(String task, int repeatedToolLimit) {
        this.task = task;
        this.repeatedToolLimit = repeatedToolLimit;
    }

    /** The result of an earlier call with this {@link #callKey}, or null when there was none. */
    ToolResult earlierResult(String key) {
        return done.get(key);
    }

    /** Remembers the result of a call that ran. */
    void ran(String key, ToolCall call, ToolResult result) {
        done.putIfAbsent(key, result);
        if (result.ok()) {
            outputs.computeIfAbsent(call.name(), k -> new ArrayList<>()).add(result.content());
        }
    }

    /** The tool every one of the last {@code repeatedToolLimit} steps called, alone; null when there is none. */
    Loop consecutive(List<AgentStep> steps) {
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
    String ownOutputFed(ToolCall call) {
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

    /** A call's identity for spotting repeats: tool name and canonical arguments. */
    static String callKey(ToolCall call) {
        try {
            return call.name() + JSON.readTree(call.arguments() == null ? "{}" : call.arguments());
        } catch (Exception e) {
            return call.name() + call.arguments();
        }
    }
}
