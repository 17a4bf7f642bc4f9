package dev.cascade4j.router.cluster;

import java.util.function.Consumer;

/**
 * Tells a router node which cluster nodes left, by the id a {@link ModelVerticle} reports when it
 * accepts a call, so that calls in flight there end at once instead of at their deadline. The command
 * line implements it over Hazelcast's membership events.
 */
@FunctionalInterface
public interface NodeDepartures {
    NodeDepartures NONE = listener -> { };

    /** Calls {@code listener} with a node's id whenever one leaves the cluster. */
    void onNodeLeft(Consumer<String> listener);
}
