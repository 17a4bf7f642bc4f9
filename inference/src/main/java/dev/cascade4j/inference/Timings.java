package dev.cascade4j.inference;

/**
 * Where the time of one generation went, in milliseconds.
 *
 * @param queuedMillis  waiting for a free sequence slot
 * @param promptMillis  evaluating the prompt, up to the first generated token
 * @param generateMillis generating the answer after the first token
 */
public record Timings(double queuedMillis, double promptMillis, double generateMillis) {
    public double totalMillis() {
        return queuedMillis + promptMillis + generateMillis;
    }
}
