package dev.cascade4j.cli.calibration;

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
        return EvalItemParser.parse(node);
    }
}
