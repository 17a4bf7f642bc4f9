package dev.cascade4j.agent.log.cluster;

import java.util.List;

/**
 * Logged subtasks grouped by meaning.
 *
 * @param subtasks   subtasks clustered
 * @param k          number of groups
 * @param silhouette mean silhouette of the grouping in [-1, 1] (higher: better separated)
 * @param clusters   the groups, most escalations first: where a new specialist SLM would save most
 */
public record ClusterReport(int subtasks, int k, double silhouette, List<TaskCluster> clusters) {

    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append(subtasks).append(" subtasks in ").append(k).append(" clusters (silhouette ")
                .append("%.3f".formatted(silhouette)).append("), most escalations first\n");
        int i = 0;
        for (TaskCluster c : clusters) {
            s.append("\ncluster ").append(++i).append(": ").append(c.size()).append(" subtasks, ")
                    .append("%.0f%%".formatted(100 * c.escalationRate())).append(" escalated (").append(c.escalated()).append(")")
                    .append(", routes ").append(c.routes()).append(", cohesion ").append("%.2f".formatted(c.cohesion())).append('\n');
            for (String q : c.samples()) {
                s.append("  - ").append(q.length() > 120 ? q.substring(0, 117) + "..." : q).append('\n');
            }
        }
        return s.toString();
    }
}
