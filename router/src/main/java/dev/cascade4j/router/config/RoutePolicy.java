package dev.cascade4j.router.config;

import java.util.Arrays;

/** Whether a route tries its SLM first or always goes to the large model. */
public enum RoutePolicy {
    /** Answer on the route's SLM; escalate when the answer is judged unsure. */
    SLM_FIRST("slm-first"),
    /** Always ask the large model (work a small model cannot do, e.g. open-ended reasoning). */
    ALWAYS_LARGE("always-large");

    private final String key;

    RoutePolicy(String key) {
        this.key = key;
    }

    /** The name used in configuration files. */
    public String key() {
        return key;
    }

    /** The policy for its configuration name, or {@code null} when there is none. */
    static RoutePolicy fromKey(String key) {
        return Arrays.stream(values()).filter(p -> p.key.equals(key)).findFirst().orElse(null);
    }
}
