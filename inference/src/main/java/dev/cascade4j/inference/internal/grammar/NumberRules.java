package dev.cascade4j.inference.internal.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cascade4j.inference.InferenceException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/** Compiles the bounds of integers (exact at any size) and numbers (exact for whole-number bounds) into digit grammars. */
final class NumberRules {
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private final SchemaCompiler compiler;

    NumberRules(SchemaCompiler compiler) {
        this.compiler = compiler;
    }

    String integer(JsonNode s, String pointer) {
        BigDecimal min = bound(s, "minimum", "exclusiveMinimum", true);
        BigDecimal max = bound(s, "maximum", "exclusiveMaximum", false);
        if (min == null && max == null) {
            return "integer";
        }
        if (min != null && max != null && min.compareTo(max) > 0) {
            throw new InferenceException.UnsupportedSchema(pointer, "the integer range is empty (" + min + " > " + max + ")");
        }
        if ((min != null && min.compareTo(LONG_MAX) > 0) || (max != null && max.compareTo(LONG_MAX.negate()) < 0)) {
            compiler.relax(pointer, "integer bounds beyond ±" + Long.MAX_VALUE + " cannot be enforced while generating");
            return "integer";
        }
        // A bound beyond what a long holds is no bound within it.
        Long lo = min == null || min.compareTo(LONG_MAX.negate()) < 0 ? null : min.longValueExact();
        Long hi = max == null || max.compareTo(LONG_MAX) > 0 ? null : max.longValueExact();
        return IntegerRange.grammar(lo, hi);
    }

    /** The least (lower) or greatest (upper) integer the bounds allow, or {@code null} when there is none. */
    private static BigDecimal bound(JsonNode s, String inclusive, String exclusive, boolean lower) {
        RoundingMode inward = lower ? RoundingMode.CEILING : RoundingMode.FLOOR;
        BigDecimal b = null;
        if (s.path(inclusive).isNumber()) {
            BigDecimal v = s.get(inclusive).decimalValue();
            boolean draft4Exclusive = s.path(exclusive).asBoolean(false) && s.get(exclusive).isBoolean();
            b = draft4Exclusive ? strictlyInside(v, lower) : v.setScale(0, inward);
        }
        if (s.path(exclusive).isNumber()) {
            BigDecimal e = strictlyInside(s.get(exclusive).decimalValue(), lower);
            b = b == null ? e : lower ? b.max(e) : b.min(e);
        }
        return b;
    }

    private static BigDecimal strictlyInside(BigDecimal v, boolean lower) {
        return lower ? v.setScale(0, RoundingMode.FLOOR).add(BigDecimal.ONE) : v.setScale(0, RoundingMode.CEILING).subtract(BigDecimal.ONE);
    }

    /**
     * Bounded numbers are written without exponent. Negative and non-negative values are separate
     * branches, each an integer part held to the bounds and an optional fraction. A whole-number bound
     * is exact: below an inclusive maximum of 90 the integer part runs to 89 with any fraction, and 90
     * itself has none. A fractional bound (0.5) holds only the integer part, and validation after
     * generation checks the rest.
     */
    String number(JsonNode s, String pointer) {
        Bound lo = numberBound(s, "minimum", "exclusiveMinimum", true);
        Bound hi = numberBound(s, "maximum", "exclusiveMaximum", false);
        if (lo == null && hi == null) {
            return "number";
        }
        if (lo != null && hi != null && (lo.value().compareTo(hi.value()) > 0
                || (lo.value().compareTo(hi.value()) == 0 && (lo.exclusive() || hi.exclusive())))) {
            throw new InferenceException.UnsupportedSchema(pointer, "the number range is empty (" + lo.value() + " to " + hi.value() + ")");
        }
        boolean[] exact = {true};
        List<String> alts = new ArrayList<>();
        if (hi == null || hi.value().signum() > 0 || (hi.value().signum() == 0 && !hi.exclusive())) {
            Bound from = lo == null || lo.value().signum() < 0 ? new Bound(BigDecimal.ZERO, false) : lo;
            String m = magnitude(from, hi, exact);
            if (m != null) {
                alts.add(m);
            }
        }
        if (lo == null || lo.value().signum() < 0) {
            // A negative value is "-" and a magnitude from |hi| (or 0) to |lo|.
            Bound from = hi == null || hi.value().signum() > 0 ? new Bound(BigDecimal.ZERO, false) : new Bound(hi.value().negate(), hi.exclusive());
            String m = magnitude(from, lo == null ? null : new Bound(lo.value().negate(), lo.exclusive()), exact);
            if (m != null) {
                alts.add("\"-\" " + m);
            }
        }
        if (!exact[0]) {
            List<String> keys = List.of("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum");
            String key = keys.stream().filter(k -> s.path(k).isNumber() && !new Bound(s.get(k).decimalValue(), false).whole()).findFirst()
                    .orElseGet(() -> keys.stream().filter(s::has).findFirst().orElseThrow());
            compiler.relax(pointer + "/" + key, "a number bound that is not a whole number is enforced only in sign and integer part while "
                    + "generating; use a whole-number bound, or an integer (e.g. cents) for exact bounds");
        }
        if (alts.isEmpty()) {
            throw new InferenceException.UnsupportedSchema(pointer, "no number lies within the bounds");
        }
        return alts.size() == 1 ? alts.getFirst() : "(" + String.join(" | ", alts) + ")";
    }

    private record Bound(BigDecimal value, boolean exclusive) {
        boolean whole() {
            return value.signum() == 0 || value.stripTrailingZeros().scale() <= 0;
        }
    }

    /** Non-negative numbers from one bound to the other (the upper may be open), or null when none. */
    private static String magnitude(Bound from, Bound to, boolean[] exact) {
        String fraction = " ( \".\" [0-9]{1,15} )?";
        if (!from.whole() || (to != null && !to.whole())) {
            exact[0] = false; // the integer part of a fractional bound, with some fraction, may fall outside it
        }
        long lo = clamp(from.value().setScale(0, RoundingMode.FLOOR));
        boolean strictLo = from.exclusive() && from.whole();
        Long hi = to == null ? null : clamp(to.value().setScale(0, RoundingMode.FLOOR));
        // Integer parts strictly inside the bounds take any fraction.
        long anyLo = strictLo ? lo + 1 : lo;
        Long anyHi = to == null ? null : to.whole() ? hi - 1 : hi;
        List<String> alts = new ArrayList<>();
        if (anyHi == null || anyLo <= anyHi) {
            alts.add(IntegerRange.grammar(anyLo, anyHi) + fraction);
        }
        // Above an exclusive lower bound, its own integer part needs a fraction that is not zero.
        if (strictLo && (hi == null || lo <= (to.whole() ? hi - 1 : hi))) {
            alts.add("\"" + lo + "\" \".\" \"0\"{0,13} [1-9] [0-9]{0,13}");
        }
        // An inclusive whole upper bound is reached exactly, without a fraction.
        if (to != null && to.whole() && !to.exclusive() && hi >= lo && !(strictLo && hi == lo)) {
            alts.add("\"" + hi + "\"");
        }
        return alts.isEmpty() ? null : alts.size() == 1 ? alts.getFirst() : "(" + String.join(" | ", alts) + ")";
    }

    /** The tighter of a number's inclusive and exclusive bound on one side (draft-04 booleans too). */
    private static Bound numberBound(JsonNode s, String inclusive, String exclusive, boolean lower) {
        Bound b = null;
        if (s.path(inclusive).isNumber()) {
            b = new Bound(s.get(inclusive).decimalValue(), s.path(exclusive).isBoolean() && s.get(exclusive).asBoolean());
        }
        if (s.path(exclusive).isNumber()) {
            Bound e = new Bound(s.get(exclusive).decimalValue(), true);
            int c = b == null ? 0 : e.value().compareTo(b.value());
            b = b == null || (lower ? c >= 0 : c <= 0) ? e : b;
        }
        return b;
    }

    private static long clamp(BigDecimal v) {
        return v.max(LONG_MAX.negate()).min(LONG_MAX).longValueExact();
    }
}
