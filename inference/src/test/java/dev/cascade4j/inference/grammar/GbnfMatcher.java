package dev.cascade4j.inference.grammar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides whether a text is a sentence of a GBNF grammar, for the subset the converters emit
 * (literals, character classes, rule references, groups, alternation, ?, *, +, {m}, {m,}, {m,n}).
 * It lets grammar tests check languages exactly without loading a model.
 */
public final class GbnfMatcher {
    private sealed interface Node permits Lit, Cls, Ref, Seq, Alt, Rep {
    }

    private record Lit(int[] cps) implements Node {
    }

    private record Cls(boolean negated, List<int[]> ranges) implements Node {
        boolean matches(int c) {
            boolean in = ranges.stream().anyMatch(r -> c >= r[0] && c <= r[1]);
            return in != negated;
        }
    }

    private record Ref(String name) implements Node {
    }

    private record Seq(List<Node> items) implements Node {
    }

    private record Alt(List<Node> alts) implements Node {
    }

    private record Rep(Node body, int min, int max) implements Node {
    }

    private final Map<String, Node> rules = new HashMap<>();
    private String src;
    private int pos;

    private GbnfMatcher(String grammar) {
        for (String line : grammar.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int sep = line.indexOf("::=");
            src = line.substring(sep + 3);
            pos = 0;
            Node body = alternation();
            skipSpace();
            if (pos != src.length()) {
                throw new IllegalArgumentException("unparsed at " + pos + ": " + line);
            }
            rules.put(line.substring(0, sep).strip(), body);
        }
    }

    public static boolean accepts(Gbnf g, String text) {
        return accepts(g.text(), g.root(), text);
    }

    public static boolean accepts(String grammar, String root, String text) {
        GbnfMatcher m = new GbnfMatcher(grammar);
        int[] cps = text.codePoints().toArray();
        return m.ends(new Ref(root), cps, 0, new HashMap<>()).contains(cps.length);
    }

    // ---- matching: the set of positions where a node can end when it starts at p ----

    private Set<Integer> ends(Node n, int[] t, int p, Map<String, Set<Integer>> memo) {
        Set<Integer> out = new TreeSet<>();
        switch (n) {
            case Lit l -> {
                if (p + l.cps().length <= t.length && java.util.Arrays.equals(t, p, p + l.cps().length, l.cps(), 0, l.cps().length)) {
                    out.add(p + l.cps().length);
                }
            }
            case Cls c -> {
                if (p < t.length && c.matches(t[p])) {
                    out.add(p + 1);
                }
            }
            case Ref r -> {
                String key = r.name() + "@" + p;
                Set<Integer> known = memo.get(key);
                if (known != null) {
                    return known;
                }
                memo.put(key, Set.of()); // the emitted grammars are not left-recursive
                Node body = rules.get(r.name());
                if (body == null) {
                    throw new IllegalArgumentException("undefined rule " + r.name());
                }
                out.addAll(ends(body, t, p, memo));
                memo.put(key, out);
            }
            case Seq s -> {
                Set<Integer> cur = Set.of(p);
                for (Node item : s.items()) {
                    Set<Integer> next = new TreeSet<>();
                    for (int q : cur) {
                        next.addAll(ends(item, t, q, memo));
                    }
                    cur = next;
                }
                out.addAll(cur);
            }
            case Alt a -> a.alts().forEach(alt -> out.addAll(ends(alt, t, p, memo)));
            case Rep r -> {
                if (r.min() == 0) {
                    out.add(p);
                }
                Set<Integer> cur = Set.of(p);
                Set<Integer> visited = new TreeSet<>();
                for (int i = 1; (r.max() < 0 || i <= r.max()) && !cur.isEmpty(); i++) {
                    Set<Integer> next = new TreeSet<>();
                    for (int q : cur) {
                        next.addAll(ends(r.body(), t, q, memo));
                    }
                    if (i >= r.min()) {
                        next.removeAll(visited); // past the minimum, a position already explored yields nothing new
                        visited.addAll(next);
                        out.addAll(next);
                    }
                    cur = next;
                }
            }
        }
        return out;
    }

    // ---- parsing ----

    private Node alternation() {
        List<Node> alts = new ArrayList<>();
        alts.add(sequence());
        while (peek() == '|') {
            pos++;
            alts.add(sequence());
        }
        return alts.size() == 1 ? alts.getFirst() : new Alt(alts);
    }

    private Node sequence() {
        List<Node> items = new ArrayList<>();
        while (true) {
            int c = peek();
            if (c == -1 || c == '|' || c == ')') {
                break;
            }
            Node atom = atom();
            items.add(quantified(atom));
        }
        return items.size() == 1 ? items.getFirst() : new Seq(items);
    }

    private Node quantified(Node atom) {
        if (pos >= src.length()) {
            return atom;
        }
        char c = src.charAt(pos);
        switch (c) {
            case '?' -> {
                pos++;
                return new Rep(atom, 0, 1);
            }
            case '*' -> {
                pos++;
                return new Rep(atom, 0, -1);
            }
            case '+' -> {
                pos++;
                return new Rep(atom, 1, -1);
            }
            case '{' -> {
                int close = src.indexOf('}', pos);
                String spec = src.substring(pos + 1, close);
                pos = close + 1;
                int comma = spec.indexOf(',');
                if (comma < 0) {
                    int n = Integer.parseInt(spec.strip());
                    return new Rep(atom, n, n);
                }
                int min = Integer.parseInt(spec.substring(0, comma).strip());
                String maxText = spec.substring(comma + 1).strip();
                return new Rep(atom, min, maxText.isEmpty() ? -1 : Integer.parseInt(maxText));
            }
            default -> {
                return atom;
            }
        }
    }

    private Node atom() {
        int c = peek();
        if (c == '"') {
            pos++;
            List<Integer> cps = new ArrayList<>();
            while (src.charAt(pos) != '"') {
                cps.add(character());
            }
            pos++;
            return new Lit(cps.stream().mapToInt(Integer::intValue).toArray());
        }
        if (c == '[') {
            pos++;
            boolean negated = src.charAt(pos) == '^';
            if (negated) {
                pos++;
            }
            List<int[]> ranges = new ArrayList<>();
            while (src.charAt(pos) != ']') {
                int lo = character();
                int hi = lo;
                if (src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
                    pos++;
                    hi = character();
                }
                ranges.add(new int[] {lo, hi});
            }
            pos++;
            return new Cls(negated, ranges);
        }
        if (c == '(') {
            pos++;
            Node inner = alternation();
            if (peek() != ')') {
                throw new IllegalArgumentException("missing ) at " + pos + " in " + src);
            }
            pos++;
            return inner;
        }
        int start = pos;
        while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '-')) {
            pos++;
        }
        if (start == pos) {
            throw new IllegalArgumentException("unexpected '" + src.charAt(pos) + "' at " + pos + " in " + src);
        }
        return new Ref(src.substring(start, pos));
    }

    private int character() {
        char c = src.charAt(pos++);
        if (c != '\\') {
            if (Character.isHighSurrogate(c)) {
                return Character.toCodePoint(c, src.charAt(pos++));
            }
            return c;
        }
        char e = src.charAt(pos++);
        return switch (e) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'x' -> hex(2);
            case 'u' -> hex(4);
            case 'U' -> hex(8);
            default -> e;
        };
    }

    private int hex(int digits) {
        int v = Integer.parseInt(src.substring(pos, pos + digits), 16);
        pos += digits;
        return v;
    }

    private int peek() {
        skipSpace();
        return pos < src.length() ? src.charAt(pos) : -1;
    }

    private void skipSpace() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            pos++;
        }
    }
}
