package dev.cascade4j.agent.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cascade4j.agent.internal.log.QueryLogJson;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces personal data and secrets in logged text with typed placeholders ({@code [EMAIL]},
 * {@code [PHONE]}, {@code [CARD]}, {@code [SECRET]}) before anything is written. Each kind can be
 * switched off. Card numbers must pass the Luhn check and phone numbers need a phone's shape
 * (a leading {@code +}, or grouped digits with separators), so ordinary numbers, dates and amounts
 * stay as they are.
 */
public final class Redactor {

    /** What can be redacted, with the placeholder that replaces it. */
    public enum Kind {
        EMAIL("[EMAIL]"), PHONE("[PHONE]"), CARD("[CARD]"), SECRET("[SECRET]");

        private final String placeholder;

        Kind(String placeholder) {
            this.placeholder = placeholder;
        }

        public String placeholder() {
            return placeholder;
        }
    }

    /** Redacts nothing. */
    public static final Redactor NONE = new Redactor(EnumSet.noneOf(Kind.class));

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
    // Provider-shaped keys first; then the generic long hex and base64 runs that secrets look like.
    private static final Pattern SECRET = Pattern.compile(String.join("|",
            "\\bsk-[A-Za-z0-9_-]{16,}",
            "\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b",
            "\\bgh[pousr]_[A-Za-z0-9]{30,}",
            "\\bxox[abprs]-[A-Za-z0-9-]{10,}",
            "\\beyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}",
            "\\b[0-9a-fA-F]{32,}\\b",
            "(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{40,}={0,2}"));
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(Bearer|Basic|token)(\\s+|[=:]\\s*)([A-Za-z0-9._~+/=-]{8,})");
    private static final Pattern CARD = Pattern.compile("(?<![\\d-])(?<!\\d[.,])\\d(?:[ -]?\\d){12,18}(?!\\d|[.,-]\\d)");
    private static final Pattern PHONE = Pattern.compile(String.join("|",
            "(?<![\\w+])\\+\\d{1,3}(?:[ .-]?\\(?\\d{1,4}\\)?){2,5}(?![\\w])",
            "(?<![\\w-])(?<!\\d[.-])(?:\\(\\d{2,4}\\)[ .-]?|\\d{2,4}[ .-])\\d{2,4}[ .-]\\d{3,4}(?!\\w|[.-]\\d)"));

    private final Set<Kind> kinds;

    private Redactor(Set<Kind> kinds) {
        this.kinds = kinds.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(kinds);
    }

    /** Redacts every kind. */
    public static Redactor all() {
        return new Redactor(EnumSet.allOf(Kind.class));
    }

    public static Redactor of(Set<Kind> kinds) {
        return new Redactor(kinds);
    }

    /** From configuration: {@code all}, {@code none}, or kinds separated by commas ({@code email,phone,card,secret}). */
    public static Redactor parse(String spec) {
        String s = spec == null ? "all" : spec.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("all")) {
            return all();
        }
        if (s.equals("none") || s.isEmpty()) {
            return NONE;
        }
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        for (String part : s.split("\\s*,\\s*")) {
            try {
                kinds.add(Kind.valueOf(part.toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown redaction kind '" + part + "'; use all, none, or some of email, phone, card, secret");
            }
        }
        return of(kinds);
    }

    public Set<Kind> kinds() {
        return EnumSet.copyOf(kinds.isEmpty() ? EnumSet.noneOf(Kind.class) : kinds);
    }

    public boolean enabled() {
        return !kinds.isEmpty();
    }

    /** The record with every free text redacted; tool-call arguments stay valid JSON. */
    public QueryRecord redact(QueryRecord record) {
        return enabled() ? record.mapText(this::redact, this::redactJsonText) : record;
    }

    public String redact(String text) {
        if (text == null || text.isEmpty() || kinds.isEmpty()) {
            return text;
        }
        int candidates = candidates(text);
        if (candidates == 0) {
            return text;
        }
        String out = text;
        if ((candidates & SECRET_BIT) != 0) {
            out = BEARER.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + Kind.SECRET.placeholder));
            out = SECRET.matcher(out).replaceAll(m -> looksSecret(m.group()) ? Kind.SECRET.placeholder : Matcher.quoteReplacement(m.group()));
        }
        if ((candidates & EMAIL_BIT) != 0) {
            out = EMAIL.matcher(out).replaceAll(Kind.EMAIL.placeholder.replace("[", "\\["));
        }
        if ((candidates & CARD_BIT) != 0) {
            out = CARD.matcher(out).replaceAll(m -> luhn(m.group()) ? "\\[CARD]" : Matcher.quoteReplacement(m.group()));
        }
        if ((candidates & PHONE_BIT) != 0) {
            out = PHONE.matcher(out).replaceAll(m -> phoneDigits(m.group()) ? "\\[PHONE]" : Matcher.quoteReplacement(m.group()));
        }
        return out;
    }

    private static final int EMAIL_BIT = 1;
    private static final int PHONE_BIT = 2;
    private static final int CARD_BIT = 4;
    private static final int SECRET_BIT = 8;

    /**
     * Which enabled kinds could match, from one cheap pass over the text: an '@' for e-mail, 8 or
     * more digits for phones (13 for cards), a 14-character run of key characters or an
     * authorization keyword for secrets. Most logged text has none, and skips every pattern.
     */
    private int candidates(String text) {
        int digits = 0;
        int run = 0;
        int longestRun = 0;
        boolean at = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c == '@') {
                at = true;
            }
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '_' || c == '-') {
                longestRun = Math.max(longestRun, ++run);
            } else {
                run = 0;
            }
        }
        int out = 0;
        if (at && kinds.contains(Kind.EMAIL)) {
            out |= EMAIL_BIT;
        }
        if (digits >= 8 && kinds.contains(Kind.PHONE)) {
            out |= PHONE_BIT;
        }
        if (digits >= 13 && kinds.contains(Kind.CARD)) {
            out |= CARD_BIT;
        }
        if (kinds.contains(Kind.SECRET) && (longestRun >= 14 || AUTH_WORD.matcher(text).find())) {
            out |= SECRET_BIT;
        }
        return out;
    }

    private static final Pattern AUTH_WORD = Pattern.compile("(?i)bearer|basic|token");

    /**
     * Redacts a JSON text (tool-call arguments) value by value, so that the result still parses: a
     * card number written as a JSON number becomes the string {@code "[CARD]"}. Text that is not JSON
     * is redacted as plain text.
     */
    public String redactJsonText(String json) {
        if (json == null || json.isEmpty() || kinds.isEmpty()) {
            return json;
        }
        if (candidates(json) == 0) {
            return json; // nothing could match in any value: skip parsing
        }
        JsonNode tree;
        try {
            tree = QueryLogJson.MAPPER.readTree(json);
        } catch (Exception notJson) {
            return redact(json);
        }
        if (tree == null) {
            return redact(json);
        }
        boolean[] changed = {false};
        JsonNode redacted = redactNode(tree, changed);
        return redacted == tree && !changed[0] ? json : QueryLogJson.write(redacted);
    }

    /** Redacts text and integral values; containers are edited in place and {@code changed} is set. */
    private JsonNode redactNode(JsonNode node, boolean[] changed) {
        if (node.isTextual()) {
            String r = redact(node.asText());
            return r.equals(node.asText()) ? node : TextNode.valueOf(r);
        }
        if (node.isIntegralNumber()) {
            String r = redact(node.asText());
            return r.equals(node.asText()) ? node : TextNode.valueOf(r);
        }
        if (node instanceof ObjectNode obj) {
            Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode r = redactNode(e.getValue(), changed);
                if (r != e.getValue()) {
                    e.setValue(r);
                    changed[0] = true;
                }
            }
            return node;
        }
        if (node instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                JsonNode r = redactNode(arr.get(i), changed);
                if (r != arr.get(i)) {
                    arr.set(i, r);
                    changed[0] = true;
                }
            }
        }
        return node;
    }

    /** Luhn checksum over the digits of a 13-19 digit candidate. */
    static boolean luhn(String candidate) {
        String digits = candidate.replaceAll("[ -]", "");
        if (digits.length() < 13 || digits.length() > 19) {
            return false;
        }
        int sum = 0;
        boolean dbl = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (dbl) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            dbl = !dbl;
        }
        return sum % 10 == 0;
    }

    private static boolean phoneDigits(String candidate) {
        long digits = candidate.chars().filter(Character::isDigit).count();
        return digits >= 8 && digits <= 15;
    }

    // A generic run is a secret only if it mixes character classes the way random keys do; long
    // words, paths and plain numbers are left alone.
    private static boolean looksSecret(String s) {
        if (s.startsWith("sk-") || s.startsWith("AKIA") || s.startsWith("ASIA") || s.startsWith("gh") || s.startsWith("xox") || s.startsWith("eyJ")) {
            return true;
        }
        boolean hex = s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
        if (hex) {
            return s.chars().anyMatch(Character::isLetter) && s.chars().anyMatch(Character::isDigit);
        }
        return s.chars().anyMatch(Character::isUpperCase) && s.chars().anyMatch(Character::isLowerCase)
                && s.chars().anyMatch(Character::isDigit);
    }
}
