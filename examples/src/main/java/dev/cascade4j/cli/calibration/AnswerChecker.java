package dev.cascade4j.cli.calibration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.ToolCall;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * Decides whether an answer to an evaluation item is right. Values are compared after normalising
 * case and whitespace, and numbers by value ({@code 100}, {@code 100.0} and {@code "100"} are equal),
 * since a small model's formatting is not its correctness. Tool calls are compared as a set: exactly the
 * expected calls, in any order; where no call is wanted, a call is wrong however good its arguments.
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
        if (e.noCall() || !e.answerTerms().isEmpty()) {
            if (answer.hasToolCalls()) {
                return Check.wrong("called " + names(answer.toolCalls()) + ", expected a reply without a tool call");
            }
            if (answer.text() == null || answer.text().isBlank()) {
                return Check.wrong("empty reply");
            }
            String reply = norm(answer.text());
            for (String term : e.answerTerms()) {
                if (!reply.contains(norm(term))) {
                    return Check.wrong("reply lacks '" + term + "'");
                }
            }
            return Check.ok();
        }
        if (!answer.hasToolCalls()) {
            return Check.wrong("no tool call");
        }
        List<EvalItem.Expected.Call> expected = e.calls();
        List<ToolCall> got = answer.toolCalls();
        if (expected.size() == 1 && got.size() == 1) {
            return call(expected.getFirst(), got.getFirst());
        }
        // Order-insensitive: each expected call is paired with a distinct call that matches it.
        int[] pairedWith = pair(expected.size(), got.size(), (i, j) -> call(expected.get(i), got.get(j)).correct());
        Set<Integer> paired = new HashSet<>();
        for (int j : pairedWith) {
            paired.add(j);
        }
        List<ToolCall> unpaired = new ArrayList<>();
        for (int j = 0; j < got.size(); j++) {
            if (!paired.contains(j)) {
                unpaired.add(got.get(j));
            }
        }
        for (int i = 0; i < expected.size(); i++) {
            if (pairedWith[i] < 0) {
                EvalItem.Expected.Call missing = expected.get(i);
                // The nearest miss: an unpaired call of the same tool, whose wrong argument is worth naming.
                String near = unpaired.stream().filter(c -> c.name().equalsIgnoreCase(missing.tool())).findFirst()
                        .map(c -> " (" + call(missing, c).detail() + ")").orElse("");
                return Check.wrong("missing call " + missing.tool() + missing.arguments() + near);
            }
        }
        if (!unpaired.isEmpty()) {
            return Check.wrong("extra call " + unpaired.getFirst().name() + unpaired.getFirst().arguments());
        }
        return Check.ok();
    }

    private static Check call(EvalItem.Expected.Call expected, ToolCall call) {
        if (!call.name().equalsIgnoreCase(expected.tool())) {
            return Check.wrong("called " + call.name() + ", expected " + expected.tool());
        }
        JsonNode args = parse(call.arguments());
        if (args == null || !args.isObject()) {
            return Check.wrong("arguments are not a JSON object");
        }
        return fields(expected.arguments(), args, "argument");
    }

    private static String names(List<ToolCall> calls) {
        return String.join(", ", calls.stream().map(ToolCall::name).toList());
    }

    /**
     * A maximum pairing of n expected things with m candidates (Kuhn's augmenting paths; both sides are a
     * handful): for each expected index the candidate paired with it, or -1.
     */
    private static int[] pair(int n, int m, BiPredicate<Integer, Integer> matches) {
        boolean[][] ok = new boolean[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                ok[i][j] = matches.test(i, j);
            }
        }
        int[] owner = new int[m];
        Arrays.fill(owner, -1);
        for (int i = 0; i < n; i++) {
            augment(i, ok, owner, new boolean[m]);
        }
        int[] paired = new int[n];
        Arrays.fill(paired, -1);
        for (int j = 0; j < m; j++) {
            if (owner[j] >= 0) {
                paired[owner[j]] = j;
            }
        }
        return paired;
    }

    private static boolean augment(int i, boolean[][] ok, int[] owner, boolean[] seen) {
        for (int j = 0; j < owner.length; j++) {
            if (ok[i][j] && !seen[j]) {
                seen[j] = true;
                if (owner[j] < 0 || augment(owner[j], ok, owner, seen)) {
                    owner[j] = i;
                    return true;
                }
            }
        }
        return false;
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

    /**
     * Equal after normalising: numbers by value (also when one side is a numeric string), text by case and
     * whitespace, objects field by field as at the top level, arrays element by element in any order.
     */
    static boolean sameValue(JsonNode expected, JsonNode got) {
        if (expected.isObject()) {
            return got.isObject() && fields(expected, got, "field").correct();
        }
        if (expected.isArray()) {
            if (!got.isArray() || got.size() != expected.size()) {
                return false;
            }
            int[] paired = pair(expected.size(), got.size(), (i, j) -> sameValue(expected.get(i), got.get(j)));
            return Arrays.stream(paired).allMatch(j -> j >= 0);
        }
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
