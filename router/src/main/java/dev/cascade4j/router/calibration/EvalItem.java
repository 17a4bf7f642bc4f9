package dev.cascade4j.router.calibration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.SamplingParams;
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
    public static final String DEFAULT_RESOURCE = "/dev/cascade4j/router/calibration/subtasks.jsonl";

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
     * The ground truth; only the fields of the item's kind are set.
     *
     * @param route     the route that should handle it, {@code null} for out of scope
     * @param tool      tool-call items: the tool's name
     * @param arguments tool-call items: the argument values
     * @param object    extract items: the object
     * @param label     classify items: the label
     * @param keyTerms  summarize items: terms the summary must contain
     * @param answer    reason items: the short answer the reply must contain
     */
    public record Expected(String route, String tool, JsonNode arguments, JsonNode object, String label,
                           List<String> keyTerms, String answer) {
        public Expected {
            keyTerms = keyTerms == null ? List.of() : List.copyOf(keyTerms);
        }
    }

    /** The request to route: the item's messages, tools and format, greedy, with a token budget for its kind. */
    public GenerationRequest request() {
        int maxTokens = switch (kind) {
            case CLASSIFY -> 32;
            case OUT_OF_SCOPE -> 48;
            case SUMMARIZE -> 80;
            case TOOL_CALL, REASON -> 128;
            case EXTRACT -> 160;
        };
        return GenerationRequest.builder().messages(messages).tools(tools).toolChoice(toolChoice).responseFormat(responseFormat)
                .sampling(SamplingParams.greedy(maxTokens)).build();
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
            String content = text(m, "content", true);
            messages.add(switch (text(m, "role", true)) {
                case "system" -> ChatMessage.system(content);
                case "user" -> ChatMessage.user(content);
                case "assistant" -> ChatMessage.assistant(content);
                default -> throw new IllegalArgumentException("item " + id + ": message role must be system, user or assistant");
            });
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
        List<String> terms = new ArrayList<>();
        e.path("key_terms").forEach(t -> terms.add(t.asText()));
        Expected expected = new Expected(text(e, "route", false), text(e, "tool", false), e.get("arguments"), e.get("object"),
                text(e, "label", false), terms, text(e, "answer", false));
        String missing = switch (kind) {
            case TOOL_CALL -> expected.tool() == null || expected.arguments() == null || !expected.arguments().isObject() ? "tool and arguments" : null;
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
