package dev.cascade4j.router.internal.escalate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How much of a structured answer the model could have copied: the share of its string and number
 * values (tool arguments, or the fields of a JSON answer) found in the conversation it was given. Tool
 * arguments and extracted fields are mostly copied from the request; a value found nowhere in it (a
 * default currency, a placeholder e-mail, a number the user never wrote) is where small models go wrong
 * while their token probabilities stay high. Values the schema lists ({@code enum}, {@code const}) need
 * not appear, and neither do booleans or nulls.
 */
public final class Grounding {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Grounding() {
    }

    /** What was checked: values found, values checked (0 when the answer has none to check). */
    public record Share(int found, int checked) {
        public double fraction() {
            return checked == 0 ? 1 : (double) found / checked;
        }
    }

    public static Share of(GenerationRequest sent, GenerationResult answer) {
        List<JsonNode> values = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        if (answer.hasToolCalls()) {
            for (ToolCall call : answer.toolCalls()) {
                JsonNode args = parse(call.arguments());
                sent.tools().stream().filter(t -> t.name().equals(call.name())).map(ToolSpec::parameters).forEach(s -> listedValues(s, listed));
                leaves(args, values);
            }
        } else if (sent.responseFormat() instanceof ResponseFormat.JsonSchema s) {
            listedValues(s.schema(), listed);
            leaves(parse(answer.text()), values);
        } else if (sent.responseFormat() instanceof ResponseFormat.JsonObject) {
            leaves(parse(answer.text()), values);
        } else {
            return new Share(0, 0);
        }
        String source = normalize(String.join("\n", sent.messages().stream()
                .filter(m -> m.role() != ChatMessage.Role.SYSTEM).map(ChatMessage::content).toList()));
        Set<String> sourceWords = new HashSet<>(Arrays.asList(source.split("[^\\p{L}\\p{N}]+")));
        int found = 0;
        int checked = 0;
        for (JsonNode v : values) {
            String text = v.isNumber() ? number(v) : normalize(v.asText());
            if (text.isBlank() || listed.contains(text)) {
                continue;
            }
            checked++;
            if (found(text, source, sourceWords)) {
                found++;
            }
        }
        return new Share(found, checked);
    }

    // Verbatim, or every word of it said somewhere ("Budget Review" for "add an event budget review").
    private static boolean found(String value, String source, Set<String> sourceWords) {
        if (source.contains(value)) {
            return true;
        }
        String[] words = value.split("[^\\p{L}\\p{N}]+");
        boolean any = false;
        for (String w : words) {
            if (w.isEmpty()) {
                continue;
            }
            if (!sourceWords.contains(w)) {
                return false;
            }
            any = true;
        }
        return any;
    }

    private static String number(JsonNode v) {
        double d = v.asDouble();
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : v.asText();
    }

    private static String normalize(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
    }

    private static JsonNode parse(String json) {
        try {
            return json == null ? null : JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return null; // invalid output is the judge's to report
        }
    }

    private static void leaves(JsonNode node, List<JsonNode> out) {
        if (node == null) {
            return;
        }
        if (node.isContainerNode()) {
            node.forEach(child -> leaves(child, out));
        } else if (node.isTextual() || node.isNumber()) {
            out.add(node);
        }
    }

    private static void listedValues(JsonNode schema, Set<String> out) {
        if (schema == null || !schema.isContainerNode()) {
            return;
        }
        for (String key : List.of("enum", "const")) {
            JsonNode v = schema.get(key);
            if (v != null) {
                if (v.isArray()) {
                    v.forEach(e -> out.add(e.isNumber() ? number(e) : normalize(e.asText())));
                } else {
                    out.add(v.isNumber() ? number(v) : normalize(v.asText()));
                }
            }
        }
        schema.forEach(child -> listedValues(child, out));
    }
}
