package dev.cascade4j.inference.internal.grammar;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.inference.grammar.Gbnf;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a model answers with tool calls. A call is compact JSON with the name first (it determines the
 * answer): {@code {"name":"tool","arguments":{...}}}. The grammar ties each tool name to its own
 * argument schema, so a name always exists and the arguments always validate.
 *
 * <p>Models open a call in several ways, and under {@code auto} the grammar admits them all, so a
 * call is never lost to prose: the tags a Hermes-style template teaches ({@code <tool_call>\n{...}\n</tool_call>},
 * one block per call), a fenced {@code ```json} block, or bare JSON (an array of calls when parallel
 * calls are allowed). Any other answer is free text, which may not start like a call. Under
 * {@code required} or a named tool the grammar forces the call in the {@link Syntax} the prompt
 * taught. {@link #parse} turns every form back into calls; the text is what is not a call.
 */
public final class ToolCallFormat {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern TAGGED = Pattern.compile("<tool_call>\\s*(.*?)\\s*</tool_call>", Pattern.DOTALL);
    private static final Pattern FENCED = Pattern.compile("```(?:json)?[ \\t]*\\n(.*?)\\n?```", Pattern.DOTALL);
    /** Parallel answers hold at most this many calls. */
    public static final int MAX_PARALLEL_CALLS = 8;

    /** The wrapper a prompt teaches around a call, which the grammar forces when a call is required. */
    public enum Syntax {
        /** Bare compact JSON: one object, or an array of them for parallel calls (the generic prompt's instructions). */
        JSON,
        /** Hermes-style blocks, as Qwen2.5's template teaches: {@code <tool_call>\n{...}\n</tool_call>}, one per call. */
        TAGGED
    }

    /** A model's answer split into its tool calls and the text that is not a call. */
    public record Parsed(String text, List<ToolCall> calls) {
        public Parsed {
            calls = List.copyOf(calls);
        }
    }

    private ToolCallFormat() {
    }

    /** The grammar of a compact-JSON answer, as {@link #grammar(List, ToolChoice, boolean, Syntax)} with {@link Syntax#JSON}. */
    public static Gbnf grammar(List<ToolSpec> tools, ToolChoice choice, boolean parallel) {
        return grammar(tools, choice, parallel, Syntax.JSON);
    }

    public static Gbnf grammar(List<ToolSpec> tools, ToolChoice choice, boolean parallel, Syntax syntax) {
        List<ToolSpec> offered = offered(tools, choice);
        StringBuilder g = new StringBuilder();
        List<String> calls = new ArrayList<>();
        for (int i = 0; i < offered.size(); i++) {
            ToolSpec t = offered.get(i);
            String args;
            try {
                args = GrammarRules.appendRules(argumentsSchema(t), "args" + i, g);
            } catch (InferenceException.UnsupportedSchema e) {
                throw new InferenceException.UnsupportedSchema("/tools/" + t.name() + "/parameters" + e.pointer(), e.getMessage());
            }
            calls.add("\"{\\\"name\\\":\" " + GrammarRules.literal(JSON.getNodeFactory().textNode(t.name()))
                    + " \",\\\"arguments\\\":\" " + args + " \"}\"");
        }
        int more = MAX_PARALLEL_CALLS - 1;
        g.append("call ::= ").append(String.join(" | ", calls)).append('\n');
        g.append(parallel ? "json-calls ::= call | \"[\" call ( \",\" call ){0," + more + "} \"]\"\n" : "json-calls ::= call\n");
        g.append("tagged-call ::= \"<tool_call>\\n\" call \"\\n</tool_call>\"\n");
        g.append(parallel ? "tagged-calls ::= tagged-call ( \"\\n\" tagged-call ){0," + more + "}\n" : "tagged-calls ::= tagged-call\n");
        // In a fenced block, parallel calls may also come one object a line, as models write them there.
        g.append(parallel ? "fenced-calls ::= \"```json\\n\" json-calls ( \"\\n\" call ){0," + more + "} \"\\n```\"\n"
                : "fenced-calls ::= \"```json\\n\" json-calls \"\\n```\"\n");
        // Free text may not open like a call: a brace, a bracket, a tag or a fence.
        g.append("text ::= [^{\\[<`\\x00-\\x1F] [^\\x00]*\n");
        String forced = syntax == Syntax.TAGGED ? "tagged-calls" : "json-calls";
        String root = choice.mode() == ToolChoice.Mode.AUTO ? "tagged-calls | fenced-calls | json-calls | text" : forced;
        g.append("root ::= ").append(root).append('\n');
        g.append(GrammarRules.primitives());
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

    /**
     * The tool calls in a model's answer, in every form a model opens a call with ({@code <tool_call>}
     * blocks, fenced JSON blocks, bare JSON), and the text outside them. A JSON object counts as a call
     * when it has a {@code name} among {@code toolNames} ({@code null} accepts any name); arguments may
     * also be given as {@code parameters} or as JSON text. An unfinished call (token limit) is text.
     */
    public static Parsed parse(String output, Collection<String> toolNames) {
        List<ToolCall> out = new ArrayList<>();
        StringBuilder rest = new StringBuilder();
        int from = 0;
        // Blocks first, in order of appearance; whatever is not a call stays text.
        List<int[]> spans = new ArrayList<>();
        for (Pattern p : List.of(TAGGED, FENCED)) {
            Matcher m = p.matcher(output);
            while (m.find()) {
                if (spans.stream().noneMatch(sp -> m.start() < sp[1] && sp[0] < m.end())) {
                    spans.add(new int[] {m.start(), m.end(), m.start(1), m.end(1)});
                }
            }
        }
        spans.sort((a, b) -> Integer.compare(a[0], b[0]));
        for (int[] sp : spans) {
            List<ToolCall> calls = calls(output.substring(sp[2], sp[3]), toolNames, out.size());
            if (calls.isEmpty()) {
                continue;
            }
            out.addAll(calls);
            rest.append(output, from, sp[0]);
            from = sp[1];
        }
        rest.append(output.substring(from));
        if (out.isEmpty()) {
            List<ToolCall> bare = calls(output.strip(), toolNames, 0);
            return bare.isEmpty() ? new Parsed(output, List.of()) : new Parsed("", bare);
        }
        return new Parsed(rest.toString().strip(), out);
    }

    /**
     * Whether an answer that begins with this text is a call under the tool-call grammar: prose may not
     * begin like one (a brace, a bracket, a tag or a fence), so a streaming client is sent prose only.
     */
    public static boolean opensCall(String start) {
        return !start.isEmpty() && "{[<`".indexOf(start.charAt(0)) >= 0;
    }

    /** The tool calls in a model's answer (any tool name); empty when the answer is text. */
    public static List<ToolCall> parse(String output) {
        return parse(output, null).calls();
    }

    private static List<ToolCall> calls(String json, Collection<String> toolNames, int numbered) {
        String t = json.strip();
        if (!(t.startsWith("{") || t.startsWith("["))) {
            return List.of();
        }
        // One JSON value, or several one after another (one object a line).
        List<JsonNode> values = new ArrayList<>();
        try (var it = JSON.readerFor(JsonNode.class).<JsonNode>readValues(t)) {
            while (it.hasNextValue()) {
                JsonNode v = it.nextValue();
                if (v.isArray()) {
                    v.forEach(values::add);
                } else {
                    values.add(v);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return List.of(); // an unfinished answer (token limit) is not a call
        }
        List<ToolCall> out = new ArrayList<>();
        for (JsonNode call : values) {
            JsonNode name = call.get("name");
            if (name == null || !name.isTextual() || (toolNames != null && !toolNames.contains(name.asText()))) {
                return List.of();
            }
            JsonNode args = call.has("arguments") ? call.get("arguments") : call.path("parameters");
            if (args.isTextual()) {
                try {
                    args = JSON.readTree(args.asText());
                } catch (java.io.IOException e) {
                    return List.of();
                }
            }
            String text;
            try {
                text = args.isMissingNode() || args.isNull() ? "{}" : JSON.writeValueAsString(args);
            } catch (java.io.IOException e) {
                return List.of();
            }
            out.add(new ToolCall("call_" + (numbered + out.size() + 1), name.asText(), text));
        }
        return out;
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
