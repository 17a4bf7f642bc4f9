package dev.cascade4j.inference.internal.llama;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * Python's {@code json.dumps} as Hugging Face's {@code tojson} filter calls it ({@code ensure_ascii=False}):
 * {@code ", "} and {@code ": "} between items, or one item a line with {@code indent}; floats as
 * Python's {@code repr} writes them. Chat templates print tool schemas and call arguments with it, so
 * the prompt a model sees depends on these bytes.
 */
final class PythonJson {
    private PythonJson() {
    }

    static String dumps(Object value, Integer indent, boolean sortKeys) {
        StringBuilder sb = new StringBuilder();
        write(value, indent, sortKeys, 0, sb);
        return sb.toString();
    }

    private static void write(Object v, Integer indent, boolean sortKeys, int depth, StringBuilder sb) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> string(s, sb);
            case CharSequence s -> string(s.toString(), sb);
            case Boolean b -> sb.append(b ? "true" : "false");
            case Double d -> sb.append(floatRepr(d));
            case Float f -> sb.append(floatRepr(f.doubleValue()));
            case BigDecimal d -> sb.append(floatRepr(d.doubleValue()));
            case Integer i -> sb.append(i);
            case Long l -> sb.append(l);
            case Short s -> sb.append(s);
            case Byte b -> sb.append(b);
            case BigInteger i -> sb.append(i);
            case Map<?, ?> m -> {
                var entries = new java.util.ArrayList<Map.Entry<?, ?>>(m.entrySet());
                if (sortKeys) {
                    entries.sort((a, b) -> String.valueOf(a.getKey()).compareTo(String.valueOf(b.getKey())));
                }
                if (entries.isEmpty()) {
                    sb.append("{}");
                    return;
                }
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : entries) {
                    separator(first, indent, depth + 1, sb);
                    first = false;
                    string(String.valueOf(e.getKey()), sb);
                    sb.append(": ");
                    write(e.getValue(), indent, sortKeys, depth + 1, sb);
                }
                close(indent, depth, sb);
                sb.append('}');
            }
            case Collection<?> c -> array(c.toArray(), indent, sortKeys, depth, sb);
            case Object[] a -> array(a, indent, sortKeys, depth, sb);
            default -> string(v.toString(), sb);
        }
    }

    private static void array(Object[] items, Integer indent, boolean sortKeys, int depth, StringBuilder sb) {
        if (items.length == 0) {
            sb.append("[]");
            return;
        }
        sb.append('[');
        boolean first = true;
        for (Object item : items) {
            separator(first, indent, depth + 1, sb);
            first = false;
            write(item, indent, sortKeys, depth + 1, sb);
        }
        close(indent, depth, sb);
        sb.append(']');
    }

    // Python's item separator is ", " without indent and "," (then a new line) with it.
    private static void separator(boolean first, Integer indent, int depth, StringBuilder sb) {
        if (indent == null) {
            if (!first) {
                sb.append(", ");
            }
            return;
        }
        if (!first) {
            sb.append(',');
        }
        sb.append('\n').append(" ".repeat(indent * depth));
    }

    private static void close(Integer indent, int depth, StringBuilder sb) {
        if (indent != null) {
            sb.append('\n').append(" ".repeat(indent * depth));
        }
    }

    private static void string(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Python's {@code repr(float)}: the shortest digits that round-trip, positional from 1e-4 up to 1e16. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        // Double.toString gives the shortest round-tripping digits (JDK 19+); only the layout differs.
        BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = exact.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - exact.scale(); // decimal exponent of the first digit
        String sign = d < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
        }
        String plain = exact.abs().toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }
}
