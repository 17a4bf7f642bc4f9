package dev.cascade4j.router.config;

/**
 * A configuration that cannot be used, with where the problem is: the source, the line and column
 * of the offending key (0 when unknown, e.g. for a configuration built in Java) and the key's path.
 */
public class ConfigException extends IllegalArgumentException {
    private final String source;
    private final int line;
    private final int column;
    private final String key;
    private final String problem;

    public ConfigException(String source, int line, int column, String key, String problem) {
        super(format(source, line, column, key, problem));
        this.source = source;
        this.line = line;
        this.column = column;
        this.key = key;
        this.problem = problem;
    }

    private static String format(String source, int line, int column, String key, String problem) {
        StringBuilder sb = new StringBuilder(source == null ? "configuration" : source);
        if (line > 0) {
            sb.append(", line ").append(line).append(", column ").append(column);
        }
        if (key != null && !key.isEmpty()) {
            sb.append(": ").append(key);
        }
        return sb.append(": ").append(problem).toString();
    }

    public String source() {
        return source;
    }

    /** 1-based line of the offending key, or 0 when unknown. */
    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** Path of the offending key, e.g. {@code routes[2].minGenerationConfidence}. */
    public String key() {
        return key;
    }

    /** What is wrong, without the where. */
    public String problem() {
        return problem;
    }

    /** Makes the exception a reader throws: {@link ConfigException} itself or a subclass of its own. */
    @FunctionalInterface
    public interface Factory {
        ConfigException create(String source, int line, int column, String key, String problem);
    }
}
