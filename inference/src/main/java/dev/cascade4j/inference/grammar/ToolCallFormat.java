package dev.cascade4j.inference.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * How a model answers with tool calls: one compact JSON object {@code {"name":"tool","arguments":{...}}}
 * (the name first: it determines the answer), or a JSON array of them when parallel calls are
 * allowed. Under {@code auto} the model may instead answer in free text that does not start with
 * {@code {} or {@code [}. The grammar ties each tool name to its own argument schema, so a name
 * always exists and the arguments always validate.
 */
public final class ToolCallFormat {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Parallel answers hold at most this many calls. */
    public static final int MAX_PARALLEL_CALLS = 8;

    private ToolCallFormat() {
    }

    public static Gbnf grammar(List<ToolSpec> tools, ToolChoice choice, boolean parallel) {
        List<ToolSpec> offered = offered(tools, choice);
        StringBuilder g = new StringBuilder();
        List<String> calls = new ArrayList<>();
        for (int i = 0; i < offered.size(); i++) {
            ToolSpec t = offered.get(i);
            String args;
            try {
                args = JsonSchemaGrammar.appendRules(argumentsSchema(t), "args" + i, g);
            } catch (InferenceException.UnsupportedSchema e) {
                throw new InferenceException.UnsupportedSchema("/tools/" + t.name() + "/parameters" + e.pointer(), e.getMessage());
            }
            calls.add("\"{\\\"name\\\":\" " + JsonSchemaGrammar.literal(JSON.getNodeFactory().textNode(t.name()))
                    + " \",\\\"arguments\\\":\" " + args + " \"}\"");
        }
        g.append("call ::= ").append(String.join(" | ", calls)).append('\n');
        g.append(parallel ? "calls ::= \"[\" call ( \",\" call ){0," + (MAX_PARALLEL_CALLS - 1) + "} \"]\"\n" : "calls ::= call\n");
        g.append("text ::= [^{\\[\\x00-\\x1F] [^\\x00]*\n");
        String root = choice.mode() == ToolChoice.Mode.AUTO ? "calls | text" : "calls";
        g.append("root ::= ").append(root).append('\n');
        g.append(JsonSchemaGrammar.primitives());
        return new Gbnf(g.toString(), "root");
    }

    private static List<ToolSpec> offered(List<ToolSpec> tools, ToolChoice choice) {
        if (choice.mode() == ToolChoice.Mode.NAMED) {
            for (ToolSpec t : tools) {
                if (t.name().equals(choice.toolName())) {
                    return List.of(t);
                }
            }
            throw new InferenceException.InvalidRequest("tool_choice names tool '" + choice.toolName() + "', which is not among the tools "
                    + tools.stream().map(ToolSpec::name).toList());
        }
        return tools;
    }

    private static JsonNode argumentsSchema(ToolSpec t) {
        JsonNode p = t.parameters();
        if (p.isObject() && !p.has("type") && !p.has("properties")) {
            return ((ObjectNode) p.deepCopy()).put("type", "object").putObject("properties").removeAll();
        }
        return p;
    }

    /** The tool calls in a model's answer; empty when the answer is text. */
    public static List<ToolCall> parse(String output) {
        String t = output.strip();
        if (!(t.startsWith("{") || t.startsWith("["))) {
            return List.of();
        }
        try {
            JsonNode node = JSON.readTree(t);
            List<ToolCall> out = new ArrayList<>();
            for (JsonNode call : node.isArray() ? node : JSON.createArrayNode().add(node)) {
                if (!call.hasNonNull("name")) {
                    return List.of();
                }
                JsonNode args = call.path("arguments");
                out.add(new ToolCall("call_" + (out.size() + 1), call.get("name").asText(),
                        args.isMissingNode() ? "{}" : JSON.writeValueAsString(args)));
            }
            return out;
        } catch (java.io.IOException e) {
            return List.of(); // an unfinished answer (token limit) is not a call
        }
    }

    /** The calls as the model writes them, for earlier assistant turns of the conversation. */
    public static String render(List<ToolCall> calls) {
        ArrayNode arr = JSON.createArrayNode();
        for (ToolCall c : calls) {
            ObjectNode o = arr.addObject().put("name", c.name());
            try {
                o.set("arguments", JSON.readTree(c.arguments() == null || c.arguments().isBlank() ? "{}" : c.arguments()));
            } catch (java.io.IOException e) {
                o.put("arguments", c.arguments());
            }
        }
        return (calls.size() == 1 ? arr.get(0) : arr).toString();
    }

    /** A short system-prompt text telling a prompt-based model the tools and the answer format. */
    public static String instructions(List<ToolSpec> tools, ToolChoice choice, boolean parallel) {
        List<ToolSpec> offered = offered(tools, choice);
        StringBuilder sb = new StringBuilder("You can call these tools:\n");
        for (ToolSpec t : offered) {
            sb.append("- ").append(t.name());
            if (!t.description().isBlank()) {
                sb.append(": ").append(t.description().strip());
            }
            sb.append("\n  arguments schema: ").append(t.parameters().toString()).append('\n');
        }
        ToolSpec example = offered.getFirst();
        sb.append("To call a tool, answer with only a JSON object like {\"name\":\"").append(example.name())
                .append("\",\"arguments\":{...}}");
        if (parallel) {
            sb.append(", or a JSON array of such objects to call several tools at once");
        }
        sb.append(".\n");
        sb.append(choice.mode() == ToolChoice.Mode.AUTO
                ? "If no tool is needed, answer the user in plain text."
                : "You must call a tool.");
        return sb.toString();
    }
}
