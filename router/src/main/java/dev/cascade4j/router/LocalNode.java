package dev.cascade4j.router;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The default name of this node: the local host name, resolved once (resolution may block on DNS,
 * so it runs when a router is built, never per request), or {@code localhost} when it cannot be resolved.
 */
final class LocalNode {
    private LocalNode() {
    }

    private static final class Resolved {
        static final String NAME = resolve();
    }

    static String name() {
        return Resolved.NAME;
    }

    private static String resolve() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException | SecurityException e) {
            return "localhost";
        }
    }

    /** A node name given by the caller: not blank, for it appears in headers and the query log. */
    static String checked(String name) {
        if (name == null || name.isBlank() || !name.strip().equals(name) || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("node name must be non-blank text without surrounding spaces or control characters, got \""
                    + name + "\"");
        }
        return name;
    }
}
