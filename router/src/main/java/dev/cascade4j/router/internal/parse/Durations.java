package dev.cascade4j.router.internal.parse;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way durations are written, in configuration files and on the command line: {@code 500ms},
 * {@code 30s}, {@code 2m}, {@code 1h}, {@code 7d}, or ISO-8601 ({@code PT30S}, {@code P1D}).
 */
public final class Durations {
    /** The accepted forms, for messages. */
    public static final String FORMS = "500ms, 30s, 2m, 1h, 7d or ISO-8601 such as PT30S";

    private static final Pattern SHORT = Pattern.compile("(\\d{1,18})\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.strip();
        try {
            Matcher m = SHORT.matcher(t);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write e.g. " + FORMS);
        }
    }
}
