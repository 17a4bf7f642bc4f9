package dev.cascade4j.inference.internal.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * Compiles a JSON-schema {@code pattern} into GBNF for the inside of a JSON string: the regex matches the
 * string's value, the grammar its JSON text, so {@code "} and {@code \} become their escapes. The subset
 * is what tool schemas use: literals, classes and their ranges and negations, {@code .}, the escapes
 * \d \w \s \D \W \S, quantifiers ? * + {m} {m,} {m,n} up to 2000 (lazy ones too: same language), groups,
 * alternation, and ^ $ at the ends. Without ^ (or $) any text may come before (or after), as a pattern
 * only has to match somewhere. Anything else (backreferences, lookaround, word boundaries, Unicode
 * properties, flags) is {@link Unsupported}, and the caller checks the pattern after generation instead.
 */
final class RegexGrammar {
    /** The pattern uses a construct outside the subset; the message names it. */
    static final class Unsupported extends Exception {
        Unsupported(String construct) {
            super(construct, null, false, false);
        }
    }

    /** A set of code points: ranges, or everything but them. */
    private record CharSet(boolean negated, List<int[]> ranges) {
        static CharSet of(int... bounds) {
            List<int[]> r = new ArrayList<>();
            for (int i = 0; i < bounds.length; i += 2) {
                r.add(new int[] {bounds[i], bounds[i + 1]});
            }
            return new CharSet(false, r);
        }

        CharSet negate() {
            return new CharSet(!negated, ranges);
        }

        boolean contains(int c) {
            return ranges.stream().anyMatch(r -> c >= r[0] && c <= r[1]) != negated;
        }
    }

    private static final CharSet DIGIT = CharSet.of('0', '9');
    private static final CharSet WORD = CharSet.of('0', '9', 'A', 'Z', 'a', 'z', '_', '_');
    private static final CharSet SPACE = CharSet.of(' ', ' ', '\t', '\r'); // \t \n \v \f \r
    private static final CharSet NOT_NEWLINE = CharSet.of('\n', '\n', '\r', '\r', 0x2028, 0x2029).negate();

    private final String src;
    private int pos;

    private RegexGrammar(String src) {
        this.src = src;
    }

    /** GBNF for the JSON text of a string value the pattern matches. */
    static String toGbnf(String pattern) throws Unsupported {
        RegexGrammar r = new RegexGrammar(pattern);
        List<String> alts = new ArrayList<>();
        do {
            alts.add(r.topAlternative());
        } while (r.eat('|'));
        if (r.pos != pattern.length()) {
            throw new Unsupported("an unbalanced ')'");
        }
        return alts.size() == 1 ? alts.getFirst() : "( " + String.join(" | ", alts) + " )";
    }

    /** One top-level alternative with its own anchors: ^a|b$ is (^a)|(b$). */
    private String topAlternative() throws Unsupported {
        boolean anchoredStart = eat('^');
        List<String> items = sequence();
        boolean anchoredEnd = eat('$');
        if (!anchoredStart) {
            items.addFirst("char*");
        }
        if (!anchoredEnd) {
            items.add("char*");
        }
        return items.isEmpty() ? "\"\"" : String.join(" ", items);
    }

    private String alternation() throws Unsupported {
        List<String> alts = new ArrayList<>();
        do {
            List<String> items = sequence();
            alts.add(items.isEmpty() ? "\"\"" : String.join(" ", items));
        } while (eat('|'));
        return "( " + String.join(" | ", alts) + " )";
    }

    private List<String> sequence() throws Unsupported {
        List<String> items = new ArrayList<>();
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '|' || c == ')' || (c == '$' && (pos == src.length() - 1 || src.charAt(pos + 1) == '|'))) {
                break;
            }
            items.add(quantified(atom()));
        }
        return items;
    }

    private String quantified(String atom) throws Unsupported {
        if (pos >= src.length()) {
            return atom;
        }
        String q;
        switch (src.charAt(pos)) {
            case '?' -> q = "?";
            case '*' -> q = "*";
            case '+' -> q = "+";
            case '{' -> {
                int close = src.indexOf('}', pos);
                String spec = close < 0 ? "" : src.substring(pos + 1, close);
                if (!spec.matches("\\d+(,\\d*)?")) {
                    return atom; // a '{' that is not a quantifier is a literal in ECMA-262's annex B; atom() takes it next
                }
                long[] n = java.util.Arrays.stream(spec.split(",", -1)) // any number of digits may come, more than a long holds
                        .mapToLong(d -> d.isEmpty() ? -1 : d.length() > 9 ? Long.MAX_VALUE : Long.parseLong(d)).toArray();
                if (java.util.Arrays.stream(n).anyMatch(v -> v > SchemaCompiler.MAX_REPETITIONS)) {
                    throw new Unsupported("the quantifier {" + spec + "}, above the " + SchemaCompiler.MAX_REPETITIONS + " repetitions a grammar holds");
                }
                if (n.length == 2 && n[1] >= 0 && n[1] < n[0]) {
                    throw new Unsupported("the quantifier {" + spec + "} with its numbers out of order");
                }
                q = "{" + spec + "}";
                pos = close;
            }
            default -> {
                return atom;
            }
        }
        pos++;
        if (pos < src.length() && src.charAt(pos) == '?') {
            pos++; // lazy: matches the same strings
        } else if (pos < src.length() && src.charAt(pos) == '+') {
            throw new Unsupported("a possessive quantifier");
        }
        return "( " + atom + " )" + q;
    }

    private String atom() throws Unsupported {
        char c = src.charAt(pos++);
        return switch (c) {
            case '(' -> group();
            case '[' -> gbnf(charClass());
            case '.' -> gbnf(NOT_NEWLINE);
            case '\\' -> gbnf(escape(false));
            case '^', '$' -> throw new Unsupported("an anchor '" + c + "' inside the pattern");
            case '*', '+', '?' -> throw new Unsupported("a quantifier '" + c + "' with nothing to repeat");
            default -> {
                int cp = Character.isHighSurrogate(c) && pos < src.length() ? Character.toCodePoint(c, src.charAt(pos++)) : c;
                yield gbnf(CharSet.of(cp, cp));
            }
        };
    }

    private String group() throws Unsupported {
        if (src.startsWith("?:", pos)) {
            pos += 2;
        } else if (src.startsWith("?<", pos) && pos + 2 < src.length() && src.charAt(pos + 2) != '=' && src.charAt(pos + 2) != '!') {
            int close = src.indexOf('>', pos);
            if (close < 0) {
                throw new Unsupported("an unterminated group name");
            }
            pos = close + 1; // a named group matches what its content matches
        } else if (pos < src.length() && src.charAt(pos) == '?') {
            throw new Unsupported("the group '(" + src.substring(pos, Math.min(src.length(), pos + 3)) + "' (lookaround or flags)");
        }
        String inner = alternation();
        if (!eat(')')) {
            throw new Unsupported("an unclosed '('");
        }
        return inner;
    }

    private CharSet charClass() throws Unsupported {
        boolean negated = eat('^');
        List<int[]> ranges = new ArrayList<>();
        while (pos < src.length() && src.charAt(pos) != ']') {
            CharSet lo = classAtom();
            if (pos + 1 < src.length() && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
                pos++;
                CharSet hi = classAtom();
                int a = single(lo);
                int b = single(hi);
                if (a > b) {
                    throw new Unsupported("the range out of order in a class");
                }
                ranges.add(new int[] {a, b});
            } else {
                if (lo.negated()) {
                    throw new Unsupported("a negated escape (\\D, \\W, \\S) inside a class");
                }
                ranges.addAll(lo.ranges());
            }
        }
        if (!eat(']')) {
            throw new Unsupported("an unclosed '['");
        }
        return new CharSet(negated, ranges);
    }

    private CharSet classAtom() throws Unsupported {
        char c = src.charAt(pos++);
        if (c == '\\') {
            return escape(true);
        }
        if (c == '[' && pos < src.length() && src.charAt(pos) == ':') {
            throw new Unsupported("a POSIX class");
        }
        int cp = Character.isHighSurrogate(c) && pos < src.length() ? Character.toCodePoint(c, src.charAt(pos++)) : c;
        return CharSet.of(cp, cp);
    }

    private static int single(CharSet s) throws Unsupported {
        if (s.negated() || s.ranges().size() != 1 || s.ranges().getFirst()[0] != s.ranges().getFirst()[1]) {
            throw new Unsupported("a class escape as a range end");
        }
        return s.ranges().getFirst()[0];
    }

    private CharSet escape(boolean inClass) throws Unsupported {
        if (pos >= src.length()) {
            throw new Unsupported("a trailing backslash");
        }
        char e = src.charAt(pos++);
        return switch (e) {
            case 'd' -> DIGIT;
            case 'D' -> DIGIT.negate();
            case 'w' -> WORD;
            case 'W' -> WORD.negate();
            case 's' -> SPACE;
            case 'S' -> SPACE.negate();
            case 't' -> CharSet.of('\t', '\t');
            case 'n' -> CharSet.of('\n', '\n');
            case 'r' -> CharSet.of('\r', '\r');
            case 'f' -> CharSet.of(0x0C, 0x0C);
            case 'v' -> CharSet.of(0x0B, 0x0B);
            case '0' -> CharSet.of(0, 0);
            case 'x' -> hex(2);
            case 'u' -> {
                if (pos < src.length() && src.charAt(pos) == '{') {
                    throw new Unsupported("a \\u{...} escape");
                }
                yield hex(4);
            }
            case 'b' -> {
                if (inClass) {
                    yield CharSet.of(0x08, 0x08);
                }
                throw new Unsupported("a word boundary \\b");
            }
            default -> {
                if (Character.isLetterOrDigit(e)) {
                    throw new Unsupported("the escape \\" + e);
                }
                yield CharSet.of(e, e); // an escaped punctuation character is itself
            }
        };
    }

    private CharSet hex(int digits) throws Unsupported {
        if (pos + digits > src.length() || !src.substring(pos, pos + digits).matches("[0-9a-fA-F]+")) {
            throw new Unsupported("a malformed hexadecimal escape");
        }
        int v = Integer.parseInt(src.substring(pos, pos + digits), 16);
        pos += digits;
        return CharSet.of(v, v);
    }

    private boolean eat(char c) {
        if (pos < src.length() && src.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    /**
     * A character set as GBNF over JSON text: plain characters as a class, and {@code "}, {@code \} and
     * the common control characters as their escapes. Other control characters are left out: a subset
     * of what the pattern allows is still valid.
     */
    private static String gbnf(CharSet set) {
        List<String> alts = new ArrayList<>();
        if (set.negated()) {
            StringBuilder cls = new StringBuilder("[^\\x22\\x5C\\x7F\\x00-\\x1F");
            set.ranges().forEach(r -> cls.append(classChar(r[0])).append(r[0] == r[1] ? "" : "-" + classChar(r[1])));
            alts.add(cls.append(']').toString());
        } else {
            StringBuilder cls = new StringBuilder();
            for (int[] r : set.ranges()) {
                // The characters JSON escapes are cut out of each range and added as escapes below.
                int lo = r[0];
                for (int[] cut : JSON_ESCAPED) {
                    if (cut[1] >= lo && cut[0] <= r[1]) {
                        appendRange(cls, lo, Math.min(r[1], cut[0] - 1));
                        lo = Math.max(lo, cut[1] + 1);
                    }
                }
                appendRange(cls, lo, r[1]);
            }
            if (!cls.isEmpty()) {
                alts.add("[" + cls + "]");
            }
        }
        for (int c : new int[] {'"', '\\', '\n', '\t', '\r', 0x08, 0x0C}) {
            if (set.contains(c)) {
                alts.add(escapeLiteral(c));
            }
        }
        if (alts.isEmpty()) {
            return "[^\\x00-\\U0010FFFF]"; // matches nothing, as the empty class does
        }
        return alts.size() == 1 ? alts.getFirst() : "( " + String.join(" | ", alts) + " )";
    }

    private static final int[][] JSON_ESCAPED = {{0x00, 0x1F}, {0x22, 0x22}, {0x5C, 0x5C}, {0x7F, 0x7F}};

    private static void appendRange(StringBuilder cls, int lo, int hi) {
        if (lo <= hi) {
            cls.append(classChar(lo)).append(lo == hi ? "" : "-" + classChar(hi));
        }
    }

    /** The JSON escape of a character, as a GBNF literal. */
    private static String escapeLiteral(int c) {
        String json = switch (c) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            case '\r' -> "\\r";
            case 0x08 -> "\\b";
            default -> "\\f";
        };
        return json.chars().mapToObj(RegexGrammar::classChar).collect(java.util.stream.Collectors.joining("", "\"", "\""));
    }

    /** A code point as GBNF writes it inside a class or a literal: letters and digits as is, the rest escaped. */
    private static String classChar(int c) {
        if (c < 0x80 && Character.isLetterOrDigit(c)) {
            return Character.toString(c);
        }
        if (c <= 0xFF) {
            return String.format("\\x%02X", c);
        }
        return c <= 0xFFFF ? String.format("\\u%04X", c) : String.format("\\U%08X", c);
    }
}
