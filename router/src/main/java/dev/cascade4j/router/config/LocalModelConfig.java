package dev.cascade4j.router.config;

import dev.cascade4j.inference.LocalModelOptions;
import java.util.Objects;

/**
 * How one local model is loaded and how much work the router gives it at once.
 *
 * @param ref         the model ({@code ModelRef} text); routes name it by this text
 * @param name        a short name usable as a route hint (defaults to {@code ref})
 * @param maxInFlight subtasks the router lets this model hold at once (running and queued); beyond it
 *                    callers are rejected with {@code RouterException.Overloaded}
 * @param options     engine options (context per sequence, parallel sequences, threads)
 */
public record LocalModelConfig(String ref, String name, int maxInFlight, LocalModelOptions options) {

    public static final int DEFAULT_MAX_IN_FLIGHT = 32;

    public LocalModelConfig {
        Objects.requireNonNull(ref, "ref");
        name = name == null || name.isBlank() ? ref : name;
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("local model '" + name + "': maxInFlight must be at least 1, got " + maxInFlight);
        }
        options = options == null ? defaultOptions() : options;
    }

    /** Two parallel sequences of 2048 tokens: enough for routed subtasks, small enough for a laptop. */
    public static LocalModelOptions defaultOptions() {
        return LocalModelOptions.defaults().withParallelSequences(2).withContextPerSequence(2048);
    }

    public static LocalModelConfig of(String ref) {
        return new LocalModelConfig(ref, null, DEFAULT_MAX_IN_FLIGHT, null);
    }

    public LocalModelConfig withMaxInFlight(int n) {
        return new LocalModelConfig(ref, name, n, options);
    }

    public LocalModelConfig withName(String n) {
        return new LocalModelConfig(ref, n, maxInFlight, options);
    }

    public LocalModelConfig withOptions(LocalModelOptions o) {
        return new LocalModelConfig(ref, name, maxInFlight, o);
    }
}
