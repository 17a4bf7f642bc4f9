package dev.cascade4j.inference.internal.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * GBNF for exactly the integers in a range, written as JSON writes them (no leading zeros, no
 * {@code -0}). A range is split by digit count, and a run of equal-length numbers by its first digit,
 * recursing on the rest (the idea of llama.cpp's {@code _generate_min_max_int}), so the grammar has
 * O(digits²) alternatives whatever the size of the range. An open end reaches the limit of a Java
 * {@code long}: far beyond any count a tool takes, yet a small model cannot run on writing digits.
 */
final class IntegerRange {
    private IntegerRange() {
    }

    /** @param min the least value, or {@code null} for none; @param max the greatest, or {@code null} */
    static String grammar(Long min, Long max) {
        long lo = min == null ? -Long.MAX_VALUE : Math.max(min, -Long.MAX_VALUE);
        long hi = max == null ? Long.MAX_VALUE : max;
        if (lo > hi) {
            throw new IllegalArgumentException("empty range " + lo + ".." + hi);
        }
        List<String> alts = new ArrayList<>();
        if (lo < 0) {
            // Negative values are "-" and a magnitude from max(1, -hi) to -lo.
            alts.add("\"-\" " + group(nonNegative(hi < 0 ? -hi : 1, -lo)));
        }
        if (hi >= 0) {
            alts.addAll(nonNegative(Math.max(lo, 0), hi));
        }
        return "(" + String.join(" | ", alts) + ")";
    }

    private static List<String> nonNegative(long from, long to) {
        String a = Long.toString(from);
        String b = Long.toString(to);
        List<String> alts = new ArrayList<>();
        for (int len = a.length(); len <= b.length(); len++) {
            String lo = len == a.length() ? a : "1" + "0".repeat(len - 1);
            String hi = len == b.length() ? b : "9".repeat(len);
            alts.addAll(sameLength(lo, hi));
        }
        return alts;
    }

    /** Digit strings of one length from a to b (lexicographic order is numeric order at equal length). */
    private static List<String> sameLength(String a, String b) {
        if (a.isEmpty()) {
            return List.of("");
        }
        char a0 = a.charAt(0);
        char b0 = b.charAt(0);
        String aRest = a.substring(1);
        String bRest = b.substring(1);
        if (a0 == b0) {
            return List.of(prefixed(digits(a0, a0), sameLength(aRest, bRest)));
        }
        int n = aRest.length();
        boolean aFromZero = aRest.equals("0".repeat(n));
        boolean bToNine = bRest.equals("9".repeat(n));
        List<String> alts = new ArrayList<>();
        if (!aFromZero) {
            alts.add(prefixed(digits(a0, a0), sameLength(aRest, "9".repeat(n))));
        }
        char midLo = aFromZero ? a0 : (char) (a0 + 1);
        char midHi = bToNine ? b0 : (char) (b0 - 1);
        if (midLo <= midHi) {
            alts.add((digits(midLo, midHi) + " " + anyDigits(n)).strip());
        }
        if (!bToNine) {
            alts.add(prefixed(digits(b0, b0), sameLength("0".repeat(n), bRest)));
        }
        return alts;
    }

    private static String prefixed(String head, List<String> rest) {
        if (rest.size() == 1) {
            return (head + " " + rest.getFirst()).strip();
        }
        return head + " " + group(rest);
    }

    private static String group(List<String> alts) {
        return alts.size() == 1 ? alts.getFirst() : "(" + String.join(" | ", alts) + ")";
    }

    private static String digits(char lo, char hi) {
        return lo == hi ? "\"" + lo + "\"" : "[" + lo + "-" + hi + "]";
    }

    private static String anyDigits(int n) {
        return n == 0 ? "" : n == 1 ? "[0-9]" : "[0-9]{" + n + "}";
    }
}
