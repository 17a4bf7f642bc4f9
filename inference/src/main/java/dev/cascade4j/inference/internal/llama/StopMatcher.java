package dev.cascade4j.inference.internal.llama;

import java.util.List;

/**
 * Finds stop strings in streamed text. Text that could still be the beginning of a stop string is
 * held back, so a listener never sees part of a stop string.
 */
final class StopMatcher {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    StopMatcher(List<String> stops) {
        this.stops = stops;
    }

    boolean stopped() {
        return stopped;
    }

    /** Adds text; returns what may be released now (possibly empty). Sets {@link #stopped()} on a match. */
    String append(String text) {
        if (stopped) {
            return "";
        }
        if (stops.isEmpty()) {
            return text;
        }
        held.append(text);
        int cut = -1;
        for (String stop : stops) {
            int at = held.indexOf(stop);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
            }
        }
        if (cut >= 0) {
            stopped = true;
            String out = held.substring(0, cut);
            held.setLength(0);
            return out;
        }
        int keep = longestStopPrefixAtEnd();
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** Releases held text at the end of generation. */
    String flush() {
        String out = held.toString();
        held.setLength(0);
        return out;
    }

    private int longestStopPrefixAtEnd() {
        int best = 0;
        for (String stop : stops) {
            for (int len = Math.min(stop.length() - 1, held.length()); len > best; len--) {
                if (held.toString().regionMatches(held.length() - len, stop, 0, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }
}
