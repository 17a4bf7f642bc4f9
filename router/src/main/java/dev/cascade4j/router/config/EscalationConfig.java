package dev.cascade4j.router.config;

/**
 * Where and how unsure subtasks go.
 *
 * @param defaultTarget large model for routes that name none and for out-of-scope subtasks; {@code null} = none
 * @param workers       threads that wait on large-model calls (langchain4j's ChatModel blocks)
 * @param queueCapacity escalations waiting for a worker; beyond it the SLM's answer is returned as a fallback
 */
public record EscalationConfig(String defaultTarget, int workers, int queueCapacity) {

    public static final EscalationConfig DEFAULTS = new EscalationConfig(null, 8, 64);

    public EscalationConfig {
        if (workers < 1) {
            throw new IllegalArgumentException("escalation: workers must be at least 1, got " + workers);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("escalation: queueCapacity must be at least 1, got " + queueCapacity);
        }
    }

    public EscalationConfig withDefaultTarget(String name) {
        return new EscalationConfig(name, workers, queueCapacity);
    }
}
