package dev.cascade4j.agent.log.cluster;

import java.util.List;
import java.util.Map;

/**
 * A group of similar logged subtasks.
 *
 * @param size           subtasks in the group
 * @param escalated      how many of them went to the large model
 * @param routes         subtasks per route ({@code "(none)"} for out of scope)
 * @param samples        the queries closest to the group's centre
 * @param cohesion       mean cosine similarity of the members to the centre
 */
public record TaskCluster(int size, int escalated, Map<String, Integer> routes, List<String> samples, double cohesion) {

    public double escalationRate() {
        return size == 0 ? 0 : (double) escalated / size;
    }
}
