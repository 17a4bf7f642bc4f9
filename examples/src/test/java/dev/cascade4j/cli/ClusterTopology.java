package dev.cascade4j.cli;

import java.util.List;

/**
 * The nodes of a clustered deployment and the roles each runs ({@code serve --cluster --roles}): what
 * docker-compose.yml deploys, written once so the cluster tests start the same shape.
 */
record ClusterTopology(List<Node> nodes) {

    /** One {@code serve --cluster} node: its name (the compose service) and its roles, in option order. */
    record Node(String name, List<String> roles) {
        boolean runs(String role) {
            return roles.contains(role);
        }
    }

    /** One HTTP node that also routes and logs, two model nodes. */
    static final ClusterTopology DOCKER_COMPOSE = new ClusterTopology(List.of(
            new Node("http", List.of("http", "router", "log")),
            new Node("model-1", List.of("model")),
            new Node("model-2", List.of("model"))));

    List<Node> withRole(String role) {
        return nodes.stream().filter(n -> n.runs(role)).toList();
    }

    List<String> names() {
        return nodes.stream().map(Node::name).toList();
    }
}
