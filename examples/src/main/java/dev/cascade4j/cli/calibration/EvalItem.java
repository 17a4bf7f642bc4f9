package dev.cascade4j.cli.calibration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.SamplingParams;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One labelled subtask of the evaluation set: the request in OpenAI shape and what a right answer is.
 *
 * @param id             unique id
 * @param kind           the kind of subtask, which decides how an answer is checked
 * @param split          {@code calibration} (thresholds are chosen on it) or {@code test} (figures are reported on it)
 * @param messages       the conversation
 * @param tools          tools offered (tool-call items), else empty
 * @param toolChoice     OpenAI {@code tool_choice}: {@code auto} (default), {@code required}, {@code none} or a tool's name
 * @param responseFormat the requested answer shape ({@link ResponseFormat#TEXT} when none)
 * @param expected       the ground truth
 * @param variant        what sort of item of its kind, for figures per variant (tool-call items: {@code single},
 *                       {@code parallel}, {@code no_tool}, {@code follow_up}); {@code null} when the kind has none
 */
public record EvalItem(String id, Kind kind, String split, List<ChatMessage> messages, List<ToolSpec> tools,
                       ToolChoice toolChoice, ResponseFormat responseFormat, Expected expected, String variant) {

    public static final String CALIBRATION = "calibration";
    public static final String TEST = "test";
    /** Classpath resource of the evaluation set kept with the router. */
    public static final String DEFAULT_RESOURCE = "/dev/cascade4j/cli/calibration/subtasks.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper();

    public EvalItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        messages = List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
        toolChoice = toolChoice == null ? ToolChoice.AUTO : toolChoice;
        responseFormat = responseFormat == null ? ResponseFormat.TEXT : responseFormat;
        Objects.requireNonNull(expected, "expected");
    }

    /** The kinds of subtask, named as in the JSONL file. */
    public enum Kind {
        TOOL_CALL, EXTRACT, CLASSIFY, SUMMARIZE, REASON, OUT_OF_SCOPE;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Kind fromKey(String key) {
            for (Kind k : values()) {
                if (k.key().equals(key)) {
                    return k;
                }
            }
            return null;
        }
    }

    /**
     * The ground truth; only the fields of the item's kind are set. A tool-call item expects exactly one
     * of: calls ({@code tool} and {@code arguments} for one call, or {@code calls}), no call at all
     * ({@code noCall}), or a reply that repeats facts of a tool result ({@code answerTerms}).
     *
     * @param route       the route that should handle it, {@code null} for out of scope
     * @param tool        tool-call items expecting one call: the tool's name
     * @param arguments   tool-call items expecting one call: the argument values
     * @param object      extract items: the object
     * @param label       classify items: the label
     * @param keyTerms    summarize items: terms the summary must contain
     * @param answer      reason items: the short answer the reply must contain
     * @param calls       tool-call items: exactly these calls, in any order (one call when {@code tool} is set)
     * @param noCall      tool-call items where no offered tool applies: right is a text reply and no call
     * @param answerTerms tool-call items after a tool result: right is a reply, no call, containing every term
     */
    public record Expected(String route, String tool, JsonNode arguments, JsonNode object, String label,
                           List<String> keyTerms, String answer, List<Call> calls, boolean noCall, List<String> answerTerms) {
        public Expected {
            keyTerms = keyTerms == null ? List.of() : List.copyOf(keyTerms);
            answerTerms = answerTerms == null ? List.of() : List.copyOf(answerTerms);
            if ((calls == null || calls.isEmpty()) && tool != null) {
                calls = List.of(new Call(tool, arguments));
            }
            calls = calls == null ? List.of() : List.copyOf(calls);
            if (tool == null && calls.size() == 1) {
                tool = calls.getFirst().tool();
                arguments = calls.getFirst().arguments();
            }
        }

        /** The ground truth without calls, no_call and answer_terms: one tool call at most. */
        public Expected(String route, String tool, JsonNode arguments, JsonNode object, String label, List<String> keyTerms,
                        String answer) {
            this(route, tool, arguments, object, label, keyTerms, answer, null, false, null);
        }

        /** One expected tool call: the tool's name and the argument values it must carry. */
        public record Call(String tool, JsonNode arguments) {
            public Call {
                Objects.requireNonNull(tool, "tool");
            }
        }
    }

    /** The request to route: the item's messages, tools and format, greedy, with a token budget for its kind. */
    public GenerationRequest request() {
        int maxTokens = switch (kind) {
            case CLASSIFY -> 32;
            case OUT_OF_SCOPE -> 48;
            case SUMMARIZE -> 80;
            // Two or three calls with nested arguments need more room than one.
            case TOOL_CALL -> expected.calls().size() > 1 ? 256 : 128;
            case REASON -> 128;
            case EXTRACT -> 160;
        };
        // Parallel calls allowed whenever tools are offered: OpenAI's default, so what agents send.
        return GenerationRequest.builder().messages(messages).tools(tools).toolChoice(toolChoice).parallelToolCalls(!tools.isEmpty())
                .responseFormat(responseFormat).sampling(SamplingParams.greedy(maxTokens)).build();
    }

    public boolean inCalibrationSplit() {
        return CALIBRATION.equals(split);
    }

    /** The evaluation set kept with the router. */
    public static List<EvalItem> defaults() {
        try (InputStream in = EvalItem.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("evaluation set " + DEFAULT_RESOURCE + " is missing from the classpath");
            }
            return read(new InputStreamReader(in, StandardCharsets.UTF_8), "subtasks.jsonl");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }

    /** Reads a JSONL file, one item a line; blank lines are skipped. */
    public static List<EvalItem> load(Path file) {
        try (Reader r = Files.newBufferedReader(file)) {
            return read(r, file.toString());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file; give --data the path of a JSONL evaluation set", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the evaluation set (" + e.getMessage() + ")", e);
        }
    }

    /** Reads JSONL; a bad line fails with the source name, line number and what to fix. */
    public static List<EvalItem> read(Reader reader, String sourceName) throws IOException {
        List<EvalItem> items = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        BufferedReader in = new BufferedReader(reader);
        String line;
        int n = 0;
        while ((line = in.readLine()) != null) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            EvalItem item;
            try {
                item = parse(JSON.readTree(line));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(sourceName + ":" + n + ": not valid JSON (" + e.getOriginalMessage() + ")");
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(sourceName + ":" + n + ": " + e.getMessage());
            }
            if (!ids.add(item.id())) {
                throw new IllegalArgumentException(sourceName + ":" + n + ": id '" + item.id() + "' is used twice");
            }
            items.add(item);
        }
        return List.copyOf(items);
    }

    static EvalItem parse(JsonNode node) {
        String id = text(node, "id", true);
        String kindKey = text(node, "kind", true);
        Kind kind = Kind.fromKey(kindKey);
        if (kind == null) {
            throw new IllegalArgumentException("item " + id + ": unknown kind '" + kindKey + "'; use one of tool_call, extract, "
                    + "classify, summarize, reason, out_of_scope");
        }
        String split = text(node, "split", false);
        split = split == null ? TEST : split;
        if (!split.equals(CALIBRATION) && !split.equals(TEST)) {
            throw new IllegalArgumentException("item " + id + ": split must be 'calibration' or 'test', got '" + split + "'");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode m : array(node, "messages", id)) {
            messages.add(message(m, id));
        }
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("item " + id + ": 'messages' is empty");
        }
        List<ToolSpec> tools = new ArrayList<>();
        if (node.has("tools")) {
            for (JsonNode t : array(node, "tools", id)) {
                JsonNode f = t.path("function");
                tools.add(new ToolSpec(text(f, "name", true), text(f, "description", false), f.get("parameters")));
            }
        }
        ToolChoice choice = ToolChoice.AUTO;
        JsonNode tc = node.get("tool_choice");
        if (tc != null && !tc.isNull()) {
            String name = tc.isTextual() ? null : tc.path("function").path("name").asText(null);
            choice = name != null ? ToolChoice.named(name) : switch (tc.asText()) {
                case "auto" -> ToolChoice.AUTO;
                case "required" -> ToolChoice.REQUIRED;
                case "none" -> ToolChoice.NONE;
                default -> throw new IllegalArgumentException("item " + id + ": tool_choice must be auto, required, none or "
                        + "{\"type\": \"function\", \"function\": {\"name\": ...}}");
            };
        }
        ResponseFormat format = ResponseFormat.TEXT;
        JsonNode rf = node.get("response_format");
        if (rf != null && !rf.isNull()) {
            format = switch (rf.path("type").asText()) {
                case "json_schema" -> {
                    JsonNode schema = rf.path("json_schema").get("schema");
                    if (schema == null || !schema.isObject()) {
                        throw new IllegalArgumentException("item " + id + ": response_format.json_schema.schema must be an object");
                    }
                    yield ResponseFormat.jsonSchema(schema);
                }
                case "json_object" -> ResponseFormat.JSON_OBJECT;
                case "text" -> ResponseFormat.TEXT;
                default -> throw new IllegalArgumentException("item " + id + ": response_format.type must be text, json_object or json_schema");
            };
        }
        JsonNode e = node.get("expected");
        if (e == null || !e.isObject()) {
            throw new IllegalArgumentException("item " + id + ": 'expected' must be an object");
        }
        List<String> terms = strings(e, "key_terms", id);
        List<String> answerTerms = strings(e, "answer_terms", id);
        List<Expected.Call> calls = new ArrayList<>();
        if (e.has("calls")) {
            for (JsonNode c : array(e, "calls", id)) {
                JsonNode args = c.get("arguments");
                if (!c.isObject() || text(c, "tool", false) == null || args == null || !args.isObject()) {
                    throw new IllegalArgumentException("item " + id + ": each of 'expected.calls' needs a tool and an arguments object");
                }
                calls.add(new Expected.Call(text(c, "tool", true), args));
            }
        }
        JsonNode noCall = e.get("no_call");
        if (noCall != null && !noCall.isBoolean()) {
            throw new IllegalArgumentException("item " + id + ": 'expected.no_call' must be true or false");
        }
        Expected expected = new Expected(text(e, "route", false), text(e, "tool", false), e.get("arguments"), e.get("object"),
                text(e, "label", false), terms, text(e, "answer", false), calls, noCall != null && noCall.asBoolean(), answerTerms);
        String missing = switch (kind) {
            case TOOL_CALL -> toolCallTruth(e, expected);
            case EXTRACT -> expected.object() == null || !expected.object().isObject() ? "object" : null;
            case CLASSIFY -> expected.label() == null ? "label" : null;
            case SUMMARIZE -> terms.isEmpty() ? "key_terms" : null;
            case REASON -> expected.answer() == null ? "answer" : null;
            case OUT_OF_SCOPE -> expected.route() != null ? "route: null" : null;
        };
        if (missing != null) {
            throw new IllegalArgumentException("item " + id + " (" + kind.key() + "): 'expected' needs " + missing);
        }
        if (kind != Kind.OUT_OF_SCOPE && expected.route() == null) {
            throw new IllegalArgumentException("item " + id + ": 'expected.route' names the route that should handle it");
        }
        return new EvalItem(id, kind, split, messages, tools, choice, format, expected, text(node, "variant", false));
    }

    /** What a tool-call item's truth lacks, or {@code null}: one way of being right, not two. */
    private static String toolCallTruth(JsonNode e, Expected expected) {
        boolean single = e.has("tool") || e.has("arguments");
        int ways = (single ? 1 : 0) + (e.has("calls") ? 1 : 0) + (expected.noCall() ? 1 : 0) + (expected.answerTerms().isEmpty() ? 0 : 1);
        if (ways != 1) {
            return "exactly one of: tool and arguments, calls, no_call: true, answer_terms";
        }
        if (single && (expected.tool() == null || expected.arguments() == null || !expected.arguments().isObject())) {
            return "tool and arguments";
        }
        return e.has("calls") && expected.calls().isEmpty() ? "at least one of calls" : null;
    }

    /** One message in OpenAI shape: assistant messages may carry {@code tool_calls}, tool messages a {@code tool_call_id}. */
    private static ChatMessage message(JsonNode m, String id) {
        String role = text(m, "role", true);
        String name = text(m, "name", false);
        return switch (role) {
            case "system", "developer" -> new ChatMessage(ChatMessage.Role.SYSTEM, text(m, "content", true), List.of(), null, name);
            case "user" -> new ChatMessage(ChatMessage.Role.USER, text(m, "content", true), List.of(), null, name);
            case "assistant" -> {
                List<ToolCall> calls = new ArrayList<>();
                if (m.has("tool_calls") && !m.get("tool_calls").isNull()) {
                    for (JsonNode c : array(m, "tool_calls", id)) {
                        JsonNode f = c.path("function");
                        JsonNode args = f.get("arguments");
                        if (args != null && !args.isNull() && !args.isTextual()) {
                            throw new IllegalArgumentException("item " + id + ": tool_calls[].function.arguments must be a string "
                                    + "holding a JSON object, as OpenAI sends it");
                        }
                        calls.add(new ToolCall(text(c, "id", false), text(f, "name", true), args == null || args.isNull() ? "{}" : args.asText()));
                    }
                }
                String content = text(m, "content", calls.isEmpty());
                yield new ChatMessage(ChatMessage.Role.ASSISTANT, content, calls, null, name);
            }
            case "tool" -> {
                String callId = text(m, "tool_call_id", false);
                if (callId == null) {
                    throw new IllegalArgumentException("item " + id + ": a tool message needs 'tool_call_id', the id of the "
                            + "assistant's call it answers");
                }
                yield new ChatMessage(ChatMessage.Role.TOOL, text(m, "content", true), List.of(), callId, name);
            }
            default -> throw new IllegalArgumentException("item " + id + ": message role must be system, user, assistant or tool, got '"
                    + role + "'");
        };
    }

    private static List<String> strings(JsonNode node, String key, String id) {
        List<String> out = new ArrayList<>();
        if (node.has(key)) {
            for (JsonNode t : array(node, key, id)) {
                out.add(t.asText());
            }
        }
        return out;
    }

    private static String text(JsonNode node, String key, boolean required) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("'" + key + "' is missing");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("'" + key + "' must be a string");
        }
        return v.asText();
    }

    private static JsonNode array(JsonNode node, String key, String id) {
        JsonNode v = node.get(key);
        if (v == null || !v.isArray()) {
            throw new IllegalArgumentException("item " + id + ": '" + key + "' must be an array");
        }
        return v;
    }
}
