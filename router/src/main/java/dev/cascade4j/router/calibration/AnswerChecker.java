package dev.cascade4j.router.calibration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.ToolCall;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Decides whether an answer to an evaluation item is right. Values are compared after normalising
 * case and whitespace, and numbers by value ({@code 100}, {@code 100.0} and {@code "100"} are equal),
 * since a small model's formatting is not its correctness.
 */
public final class AnswerChecker {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private AnswerChecker() {
    }

    /** Whether an answer is right, and what was wrong when it is not. */
    public record Check(boolean correct, String detail) {
        static Check ok() {
            return new Check(true, "");
        }

        static Check wrong(String detail) {
            return new Check(false, detail);
        }
    }

    public static Check check(EvalItem item, GenerationResult answer) {
        if (answer == null) {
            return Check.wrong("no answer");
        }
        EvalItem.Expected e = item.expected();
        return switch (item.kind()) {
            case TOOL_CALL -> toolCall(e, answer);
            case EXTRACT -> extract(e, answer.text());
            case CLASSIFY -> label(e, answer.text());
            case SUMMARIZE -> keyTerms(e, answer.text());
            case REASON -> containsAnswer(e, answer.text());
            case OUT_OF_SCOPE -> Check.wrong("out of scope: an SLM answer is never the right outcome");
        };
    }

    static Check toolCall(EvalItem.Expected e, GenerationResult answer) {
        if (!answer.hasToolCalls()) {
            return Check.wrong("no tool call");
        }
        ToolCall call = answer.toolCalls().getFirst();
        if (!call.name().equalsIgnoreCase(e.tool())) {
            return Check.wrong("called " + call.name() + ", expected " + e.tool());
        }
        JsonNode args = parse(call.arguments());
        if (args == null || !args.isObject()) {
            return Check.wrong("arguments are not a JSON object");
        }
        return fields(e.arguments(), args, "argument");
    }

    static Check extract(EvalItem.Expected e, String text) {
        JsonNode got = parse(text);
        if (got == null || !got.isObject()) {
            return Check.wrong("answer is not a JSON object");
        }
        return fields(e.object(), got, "field");
    }

    static Check label(EvalItem.Expected e, String text) {
        JsonNode got = parse(text);
        String label;
        if (got != null && got.isObject()) {
            JsonNode l = got.has("label") ? got.get("label") : got.elements().hasNext() ? got.elements().next() : null;
            label = l == null ? "" : l.asText();
        } else if (got != null && got.isTextual()) {
            label = got.asText();
        } else {
            label = text == null ? "" : text;
        }
        return norm(label).equals(norm(e.label())) ? Check.ok() : Check.wrong("label '" + label.strip() + "', expected " + e.label());
    }

    static Check keyTerms(EvalItem.Expected e, String text) {
        String lower = text == null ? "" : norm(text);
        for (String term : e.keyTerms()) {
            if (!lower.contains(norm(term))) {
                return Check.wrong("summary lacks '" + term + "'");
            }
        }
        return Check.ok();
    }

    static Check containsAnswer(EvalItem.Expected e, String text) {
        // The answer must stand as its own token: "5" is not found in "15" or "5.5".
        Pattern p = Pattern.compile("(?<![\\p{Alnum}.])" + Pattern.quote(norm(e.answer())) + "(?![\\p{Alnum}]|[.,:]\\d)");
        return text != null && p.matcher(norm(text)).find() ? Check.ok() : Check.wrong("reply lacks '" + e.answer() + "'");
    }

    private static Check fields(JsonNode expected, JsonNode got, String what) {
        Iterator<Map.Entry<String, JsonNode>> it = expected.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode value = got.get(f.getKey());
            if (value == null || value.isNull()) {
                return Check.wrong(what + " '" + f.getKey() + "' missing");
            }
            if (!sameValue(f.getValue(), value)) {
                return Check.wrong(what + " '" + f.getKey() + "' is " + value + ", expected " + f.getValue());
            }
        }
        return Check.ok();
    }

    /** Equal after normalising: numbers by value (also when one side is a numeric string), text by case and whitespace. */
    static boolean sameValue(JsonNode expected, JsonNode got) {
        BigDecimal a = number(expected);
        BigDecimal b = number(got);
        if (a != null && b != null) {
            return a.compareTo(b) == 0;
        }
        if (expected.isValueNode() && got.isValueNode()) {
            return norm(expected.asText()).equals(norm(got.asText()));
        }
        return expected.equals(got);
    }

    private static BigDecimal number(JsonNode n) {
        if (n.isNumber()) {
            return n.decimalValue();
        }
        if (n.isTextual()) {
            try {
                return new BigDecimal(n.asText().strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    static String norm(String s) {
        return SPACES.matcher(s.strip()).replaceAll(" ").toLowerCase(Locale.ROOT);
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(text.strip());
        } catch (Exception e) {
            return null;
        }
    }
}
