package dev.cascade4j.tools.http;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cascade4j.router.config.ConfigException;
import dev.cascade4j.router.internal.parse.ConfigTree;
import dev.cascade4j.router.internal.parse.Range;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the HTTP server runs. Every key is documented in docs/server.md; a file (YAML or JSON) holds
 * the same keys, in kebab-case or camelCase.
 *
 * @param host             interface to bind; {@code null} means 127.0.0.1 when no API key is set, 0.0.0.0 otherwise
 * @param port             TCP port (0 picks a free one)
 * @param bodyLimitBytes   largest request body accepted; bigger ones get 413
 * @param apiKeys          accepted Bearer keys; empty means no authentication
 * @param cacheEnabled     answer repeated deterministic requests from memory
 * @param cacheMaxEntries  most cached responses kept
 * @param cacheTtl         how long a cached response stays valid
 * @param defaultMaxTokens answer tokens when a request sets neither max_tokens nor max_completion_tokens
 * @param requestDeadline  time budget of one chat completion (the router cancels and escalates past it)
 * @param toolConcurrency  tools allowed to run at once through /v1/tools/{name}/invoke
 * @param readTimeout      how long a client may take to send a request: a new connection's first headers,
 *                         and each body once its headers are in; a slower client is cut off
 * @param idleTimeout      how long a kept-alive connection may wait for its next request
 * @param maxMessages      most messages one chat completion may carry; more is a 400 before any work
 */
public record ServerConfig(
        String host,
        int port,
        long bodyLimitBytes,
        List<String> apiKeys,
        boolean cacheEnabled,
        long cacheMaxEntries,
        Duration cacheTtl,
        int defaultMaxTokens,
        Duration requestDeadline,
        int toolConcurrency,
        Duration readTimeout,
        Duration idleTimeout,
        int maxMessages) {

    public static final int DEFAULT_PORT = 8080;
    /** OpenAI's own bound on a conversation's length; far above what a small model's context holds. */
    public static final int DEFAULT_MAX_MESSAGES = 2048;

    public ServerConfig {
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        }
        if (bodyLimitBytes < 1024) {
            throw new IllegalArgumentException("body-limit-bytes must be at least 1024, got " + bodyLimitBytes);
        }
        if (apiKeys.stream().anyMatch(k -> k == null || k.isBlank())) {
            throw new IllegalArgumentException("api-keys must not contain empty keys");
        }
        if (cacheMaxEntries < 1) {
            throw new IllegalArgumentException("cache-max-entries must be at least 1, got " + cacheMaxEntries);
        }
        if (cacheTtl == null || cacheTtl.isNegative() || cacheTtl.isZero()) {
            throw new IllegalArgumentException("cache-ttl must be a positive duration such as PT10M, got " + cacheTtl);
        }
        if (defaultMaxTokens < 1) {
            throw new IllegalArgumentException("default-max-tokens must be at least 1, got " + defaultMaxTokens);
        }
        if (requestDeadline == null || requestDeadline.isNegative() || requestDeadline.isZero()) {
            throw new IllegalArgumentException("request-deadline must be a positive duration such as PT60S, got " + requestDeadline);
        }
        if (toolConcurrency < 1) {
            throw new IllegalArgumentException("tool-concurrency must be at least 1, got " + toolConcurrency);
        }
        if (readTimeout == null || readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("read-timeout must be a positive duration such as 30s, got " + readTimeout);
        }
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle-timeout must be a positive duration such as 30s, got " + idleTimeout);
        }
        if (maxMessages < 1) {
            throw new IllegalArgumentException("max-messages must be at least 1, got " + maxMessages);
        }
    }

    public static ServerConfig defaults() {
        return new ServerConfig(null, DEFAULT_PORT, 1 << 20, List.of(), false, 10_000, Duration.ofMinutes(10),
                1024, Duration.ofSeconds(60), 64, Duration.ofSeconds(30), Duration.ofSeconds(30), DEFAULT_MAX_MESSAGES);
    }

    /** The interface actually bound: the configured host, else local-only unless keys protect the server. */
    public String bindHost() {
        return host != null ? host : apiKeys.isEmpty() ? "127.0.0.1" : "0.0.0.0";
    }

    /**
     * Reads a YAML or JSON file; keys absent from it keep their defaults.
     *
     * @throws ConfigException naming the file, line, column and key of the first problem
     */
    public static ServerConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, 0, null, "cannot read the file (" + e.getMessage() + ")");
        }
        ConfigTree tree = ConfigTree.parse(text, file.toString(), null, ConfigException::new);
        try {
            return tree.root().isNull() ? defaults() : tree.bind(File.class).apply(defaults());
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw tree.fail("", e.getMessage()); // a check that spans keys, made by the record itself
        }
    }

    public ServerConfig withHost(String h) {
        return new ServerConfig(h, port, bodyLimitBytes, apiKeys, cacheEnabled, cacheMaxEntries, cacheTtl, defaultMaxTokens, requestDeadline, toolConcurrency, readTimeout, idleTimeout, maxMessages);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(host, p, bodyLimitBytes, apiKeys, cacheEnabled, cacheMaxEntries, cacheTtl, defaultMaxTokens, requestDeadline, toolConcurrency, readTimeout, idleTimeout, maxMessages);
    }

    public ServerConfig withBodyLimitBytes(long n) {
        return new ServerConfig(host, port, n, apiKeys, cacheEnabled, cacheMaxEntries, cacheTtl, defaultMaxTokens, requestDeadline, toolConcurrency, readTimeout, idleTimeout, maxMessages);
    }

    public ServerConfig withApiKeys(List<String> keys) {
        return new ServerConfig(host, port, bodyLimitBytes, keys, cacheEnabled, cacheMaxEntries, cacheTtl, defaultMaxTokens, requestDeadline, toolConcurrency, readTimeout, idleTimeout, maxMessages);
    }

    public ServerConfig withCache(boolean enabled, long maxEntries, Duration ttl) {
        return new ServerConfig(host, port, bodyLimitBytes, apiKeys, enabled, maxEntries, ttl, defaultMaxTokens, requestDeadline, toolConcurrency, readTimeout, idleTimeout, maxMessages);
    }

    public ServerConfig withDefaultMaxTokens(int n) {
        return new ServerConfig(host, port, bodyLimitBytes, apiKeys, cacheEnabled, cacheMaxEntries, cacheTtl, n, requestDeadline, toolConcurrency, readTimeout, idleTimeout, maxMessages);
    }

    public ServerConfig withRequestDeadline(Duration d) {
        return new ServerConfig(host, port, bodyLimitBytes, apiKeys, cacheEnabled, cacheMaxEntries, cacheTtl, defaultMaxTokens, d, toolConcurrency, readTimeout, idleTimeout, maxMessages);
    }

    public ServerConfig withToolConcurrency(int n) {
        return new ServerConfig(host, port, bodyLimitBytes, apiKeys, cacheEnabled, cacheMaxEntries, cacheTtl, defaultMaxTokens, requestDeadline, n, readTimeout, idleTimeout, maxMessages);
    }

    public ServerConfig withTimeouts(Duration read, Duration idle) {
        return new ServerConfig(host, port, bodyLimitBytes, apiKeys, cacheEnabled, cacheMaxEntries, cacheTtl, defaultMaxTokens, requestDeadline, toolConcurrency, read, idle, maxMessages);
    }

    public ServerConfig withMaxMessages(int n) {
        return new ServerConfig(host, port, bodyLimitBytes, apiKeys, cacheEnabled, cacheMaxEntries, cacheTtl, defaultMaxTokens, requestDeadline, toolConcurrency, readTimeout, idleTimeout, n);
    }

    /** The file's shape: every key optional, in kebab-case or camelCase. */
    private record File(
            String host,
            @Range(min = 0, max = 65535) Integer port,
            @JsonAlias("bodyLimitBytes") @JsonProperty("body-limit-bytes") @Range(min = 1024) Long bodyLimitBytes,
            @JsonAlias("apiKeys") @JsonProperty("api-keys") List<String> apiKeys,
            Cache cache,
            @JsonAlias("defaultMaxTokens") @JsonProperty("default-max-tokens") @Range(min = 1) Integer defaultMaxTokens,
            @JsonAlias("requestDeadline") @JsonProperty("request-deadline") Duration requestDeadline,
            @JsonAlias("toolConcurrency") @JsonProperty("tool-concurrency") @Range(min = 1) Integer toolConcurrency,
            @JsonAlias("readTimeout") @JsonProperty("read-timeout") Duration readTimeout,
            @JsonAlias("idleTimeout") @JsonProperty("idle-timeout") Duration idleTimeout,
            @JsonAlias("maxMessages") @JsonProperty("max-messages") @Range(min = 1) Integer maxMessages) {

        ServerConfig apply(ServerConfig d) {
            Cache c = cache == null ? new Cache(null, null, null) : cache;
            return new ServerConfig(
                    host != null ? host : d.host(),
                    port != null ? port : d.port(),
                    bodyLimitBytes != null ? bodyLimitBytes : d.bodyLimitBytes(),
                    apiKeys != null ? apiKeys : d.apiKeys(),
                    c.enabled() != null ? c.enabled() : d.cacheEnabled(),
                    c.maxEntries() != null ? c.maxEntries() : d.cacheMaxEntries(),
                    c.ttl() != null ? c.ttl() : d.cacheTtl(),
                    defaultMaxTokens != null ? defaultMaxTokens : d.defaultMaxTokens(),
                    requestDeadline != null ? requestDeadline : d.requestDeadline(),
                    toolConcurrency != null ? toolConcurrency : d.toolConcurrency(),
                    readTimeout != null ? readTimeout : d.readTimeout(),
                    idleTimeout != null ? idleTimeout : d.idleTimeout(),
                    maxMessages != null ? maxMessages : d.maxMessages());
        }
    }

    private record Cache(Boolean enabled, @JsonAlias("maxEntries") @JsonProperty("max-entries") @Range(min = 1) Long maxEntries, Duration ttl) {
    }
}
