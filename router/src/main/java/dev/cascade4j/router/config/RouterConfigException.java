package dev.cascade4j.router.config;


/**
 * A router configuration that cannot be used, with where the problem is: the source, the line and
 * column of the offending key (0 when unknown, e.g. for a configuration built in Java) and the key's path.
 */
public final class RouterConfigException extends ConfigException {
    public RouterConfigException(String source, int line, int column, String key, String problem) {
        super(source == null ? "router configuration" : source, line, column, key, problem);
    }
}
