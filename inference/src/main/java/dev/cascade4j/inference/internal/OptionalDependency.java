package dev.cascade4j.inference.internal;

/**
 * A library that only some parts of cascade4j use (the HTTP server, the PostgreSQL query log, OpenAI or
 * Ollama large models) is an optional dependency, so an agent's classpath does not carry it. The part
 * that needs one checks for it first, so that a missing jar is an error naming the dependency to add
 * rather than a {@link NoClassDefFoundError} from deep inside.
 */
public final class OptionalDependency {
    private OptionalDependency() {
    }

    /** Thrown when a configured feature needs a library that is not on the classpath. */
    public static final class Missing extends IllegalStateException {
        private final String coordinates;

        Missing(String message, String coordinates) {
            super(message);
            this.coordinates = coordinates;
        }

        /** {@code groupId:artifactId} of the dependency to add. */
        public String coordinates() {
            return coordinates;
        }
    }

    /**
     * Throws {@link Missing} unless {@code className} can be loaded.
     *
     * @param feature what the user asked for, in their terms ("the OpenAI-compatible HTTP server")
     */
    public static void require(String feature, String className, String groupId, String artifactId) {
        if (!present(className)) {
            String coordinates = groupId + ":" + artifactId;
            throw new Missing(feature + " needs " + coordinates + ", an optional dependency of cascade4j that is not on the classpath; add "
                    + "<dependency><groupId>" + groupId + "</groupId><artifactId>" + artifactId + "</artifactId></dependency> (Maven) or "
                    + "implementation(\"" + coordinates + "\") (Gradle), its version managed by dev.cascade4j:cascade4j-bom", coordinates);
        }
    }

    public static boolean present(String className) {
        try {
            Class.forName(className, false, OptionalDependency.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
