package dev.cascade4j.cli;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** What a {@code serve} node runs: the HTTP surface with the router, the models, the query log. */
record Roles(boolean router, boolean model, boolean log) {
    static final Set<String> KNOWN = Set.of("http", "router", "model", "log");

    /** The roles of {@code --roles} (empty: all); anything but all of them needs a cluster to reach the rest. */
    static Roles parse(List<String> names, boolean cluster) {
        if (names.isEmpty()) {
            return new Roles(true, true, true);
        }
        Set<String> given = new TreeSet<>();
        for (String n : names) {
            String role = n.trim().toLowerCase(Locale.ROOT);
            if (!KNOWN.contains(role)) {
                throw new IllegalArgumentException("--roles " + n + ": unknown role; the roles are http, router, model, log");
            }
            given.add(role);
        }
        if (given.contains("http") != given.contains("router")) {
            throw new IllegalArgumentException("--roles: http and router go together (the HTTP surface hands each request to "
                    + "the router in the same JVM); give both or neither");
        }
        if (!cluster && given.size() < KNOWN.size()) {
            throw new IllegalArgumentException("--roles " + String.join(",", given) + " leaves out " + missing(given)
                    + ", which only other nodes can run: add --cluster");
        }
        return new Roles(given.contains("router"), given.contains("model"), given.contains("log"));
    }

    private static String missing(Set<String> given) {
        Set<String> out = new TreeSet<>(KNOWN);
        out.removeAll(given);
        return String.join(",", out);
    }

    /** This machine's host name, the default node name. */
    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
