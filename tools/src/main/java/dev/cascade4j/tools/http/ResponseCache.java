package dev.cascade4j.tools.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonGenerator;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.router.RoutingDecision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Exact-match cache of chat completions, for deterministic requests only (temperature 0 or a fixed
 * seed): anything else would freeze one sample of a distribution. The key is the request in
 * canonical form (keys sorted, no whitespace), without the fields that change only the delivery
 * ({@code stream}, {@code stream_options}, {@code user}), so a streamed request hits what a plain one
 * stored. Bounded in entries and in age; hits and misses are counted in the meter registry.
 */
final class ResponseCache {
    private static final ObjectMapper CANONICAL = new ObjectMapper();
    private static final Set<String> DELIVERY_ONLY = Set.of("stream", "stream_options", "user");

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
        java.io.StringWriter out = new java.io.StringWriter(256);
        try (JsonGenerator g = CANONICAL.getFactory().createGenerator(out)) {
            g.writeStartObject();
            for (String field : sortedFields(body)) {
                if (!DELIVERY_ONLY.contains(field)) {
                    g.writeFieldName(field);
                    write(body.get(field), g);
                }
            }
            g.writeEndObject();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a parsed request does not serialise again", e);
        }
        return out.toString();
    }

    private static void write(JsonNode node, JsonGenerator g) throws java.io.IOException {
        if (node.isObject()) {
            g.writeStartObject();
            for (String field : sortedFields(node)) {
                g.writeFieldName(field);
                write(node.get(field), g);
            }
            g.writeEndObject();
        } else if (node.isArray()) {
            g.writeStartArray();
            for (JsonNode item : node) {
                write(item, g);
            }
            g.writeEndArray();
        } else {
            CANONICAL.writeTree(g, node);
        }
    }

    private static List<String> sortedFields(JsonNode object) {
        List<String> names = new ArrayList<>(object.size());
        object.fieldNames().forEachRemaining(names::add);
        Collections.sort(names);
        return names;
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
