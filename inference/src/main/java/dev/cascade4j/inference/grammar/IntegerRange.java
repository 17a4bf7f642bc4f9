package dev.cascade4j.inference.grammar;

import dev.cascade4j.inference.InferenceException;
import java.util.ArrayList;
import java.util.List;

/** GBNF for integers within bounds: exact for small ranges and for lower bounds 0 to 9 without an upper bound. */
final class IntegerRange {
    static final int MAX_ENUMERATED = 1000;

    private IntegerRange() {
    }

    static String grammar(Long min, Long max) {
        if (min != null && max != null && max - min < MAX_ENUMERATED) {
            List<String> alts = new ArrayList<>();
            for (long v = min; v <= max; v++) {
                alts.add("\"" + v + "\"");
            }
            return "(" + String.join(" | ", alts) + ")";
        }
        if (max == null && min != null && min >= 0 && min <= 9) {
            String small = min == 0 ? "\"0\"" : "[" + min + "-9]";
            return "(" + small + " | [1-9] [0-9]{1,15})";
        }
        throw new InferenceException.UnsupportedSchema("", "integer bounds " + (min == null ? "" : "minimum " + min + " ")
                + (max == null ? "" : "maximum " + max) + " cannot be enforced exactly; use a range of under "
                + MAX_ENUMERATED + " values, or a minimum from 0 to 9 without a maximum");
    }
}
