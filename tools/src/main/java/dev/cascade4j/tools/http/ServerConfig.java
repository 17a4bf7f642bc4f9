package dev.cascade4j.tools.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

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

    /** Reads a YAML or JSON file; keys absent from it keep their defaults. */
    public static ServerConfig load(Path file) {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read server config " + file + ": " + e.getMessage(), e);
        }
        try {
            File f = mapper.readValue(text, File.class);
            return f == null ? defaults() : f.apply(defaults());
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("server config " + file + ": unknown key '" + e.getPropertyName() + "' at line "
                    + lineOf(text, String.valueOf(e.getPropertyName()), e.getLocation().getLineNr()) + "; known keys: " + e.getKnownPropertyIds().stream().map(String::valueOf)
                    .sorted().collect(Collectors.joining(", ")), e);
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException("server config " + file + ": " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read server config " + file + ": " + e.getMessage(), e);
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

    /** The file's shape: every key optional. */
    private record File(
            String host,
            Integer port,
            @com.fasterxml.jackson.annotation.JsonAlias("bodyLimitBytes") @com.fasterxml.jackson.annotation.JsonProperty("body-limit-bytes") Long bodyLimitBytes,
            @com.fasterxml.jackson.annotation.JsonAlias("apiKeys") @com.fasterxml.jackson.annotation.JsonProperty("api-keys") List<String> apiKeys,
            Cache cache,
            @com.fasterxml.jackson.annotation.JsonAlias("defaultMaxTokens") @com.fasterxml.jackson.annotation.JsonProperty("default-max-tokens") Integer defaultMaxTokens,
            @com.fasterxml.jackson.annotation.JsonAlias("requestDeadline") @com.fasterxml.jackson.annotation.JsonProperty("request-deadline") String requestDeadline,
            @com.fasterxml.jackson.annotation.JsonAlias("toolConcurrency") @com.fasterxml.jackson.annotation.JsonProperty("tool-concurrency") Integer toolConcurrency,
            @com.fasterxml.jackson.annotation.JsonAlias("readTimeout") @com.fasterxml.jackson.annotation.JsonProperty("read-timeout") String readTimeout,
            @com.fasterxml.jackson.annotation.JsonAlias("idleTimeout") @com.fasterxml.jackson.annotation.JsonProperty("idle-timeout") String idleTimeout,
            @com.fasterxml.jackson.annotation.JsonAlias("maxMessages") @com.fasterxml.jackson.annotation.JsonProperty("max-messages") Integer maxMessages) {

        ServerConfig apply(ServerConfig d) {
            return new ServerConfig(
                    host != null ? host : d.host(),
                    port != null ? port : d.port(),
                    bodyLimitBytes != null ? bodyLimitBytes : d.bodyLimitBytes(),
                    apiKeys != null ? apiKeys : d.apiKeys(),
                    cache != null && cache.enabled() != null ? cache.enabled() : d.cacheEnabled(),
                    cache != null && cache.maxEntries() != null ? cache.maxEntries() : d.cacheMaxEntries(),
                    cache != null && cache.ttl() != null ? duration("cache.ttl", cache.ttl()) : d.cacheTtl(),
                    defaultMaxTokens != null ? defaultMaxTokens : d.defaultMaxTokens(),
                    requestDeadline != null ? duration("request-deadline", requestDeadline) : d.requestDeadline(),
                    toolConcurrency != null ? toolConcurrency : d.toolConcurrency(),
                    readTimeout != null ? duration("read-timeout", readTimeout) : d.readTimeout(),
                    idleTimeout != null ? duration("idle-timeout", idleTimeout) : d.idleTimeout(),
                    maxMessages != null ? maxMessages : d.maxMessages());
        }
    }

    private record Cache(
            Boolean enabled,
            @com.fasterxml.jackson.annotation.JsonAlias("maxEntries") @com.fasterxml.jackson.annotation.JsonProperty("max-entries") Long maxEntries,
            String ttl) {
    }

    // The YAML parser reports where it stopped, which may be past the key; the key's own line is clearer.
    private static int lineOf(String text, String key, int fallback) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.startsWith(key + ":") || l.startsWith("\"" + key + "\"")) {
                return i + 1;
            }
        }
        return fallback;
    }

    /** "30s", "10m", "2h", "500ms", or an ISO-8601 duration such as PT10M. */
    static Duration duration(String key, String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.startsWith("pt") || t.startsWith("p")) {
                return Duration.parse(text.trim().toUpperCase(java.util.Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1).trim());
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + " must be a duration such as 30s, 10m, 2h, 500ms or PT10M, got '" + text + "'");
        }
    }
}
