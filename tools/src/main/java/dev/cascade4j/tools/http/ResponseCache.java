package dev.cascade4j.tools.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.router.RoutingDecision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.time.Duration;
import java.util.Map;

/**
 * Exact-match cache of chat completions, for deterministic requests only (temperature 0 or a fixed
 * seed): anything else would freeze one sample of a distribution. The key is the request in
 * canonical form (keys sorted, no whitespace), without the fields that change only the delivery
 * ({@code stream}, {@code stream_options}, {@code user}), so a streamed request hits what a plain one
 * stored. Bounded in entries and in age; hits and misses are counted in the meter registry.
 */
final class ResponseCache {
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    record Entry(GenerationResult answer, RoutingDecision decision) {
    }

    private final Cache<String, Entry> cache;
    private final Counter hits;
    private final Counter misses;

    ResponseCache(long maxEntries, Duration ttl, MeterRegistry meters) {
        this.cache = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(ttl).recordStats().build();
        this.hits = Counter.builder("cascade4j.http.response.cache").tag("result", "hit")
                .description("chat completions answered from the response cache").register(meters);
        this.misses = Counter.builder("cascade4j.http.response.cache").tag("result", "miss")
                .description("cacheable chat completions that were not in the response cache").register(meters);
        CaffeineCacheMetrics.monitor(meters, cache, "cascade4j.http.response");
    }

    /** The canonical key of a request body. */
    static String key(JsonNode body) {
        ObjectNode copy = ((ObjectNode) body).deepCopy();
        copy.remove(java.util.List.of("stream", "stream_options", "user"));
        try {
            return CANONICAL.writeValueAsString(CANONICAL.convertValue(copy, Map.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a parsed request does not serialise again", e);
        }
    }

    Entry get(String key) {
        Entry e = cache.getIfPresent(key);
        (e == null ? misses : hits).increment();
        return e;
    }

    void put(String key, Entry entry) {
        cache.put(key, entry);
    }

    long size() {
        return cache.estimatedSize();
    }
}
