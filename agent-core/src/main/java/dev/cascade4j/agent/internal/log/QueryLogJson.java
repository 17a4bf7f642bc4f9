package dev.cascade4j.agent.internal.log;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.cascade4j.agent.log.QueryRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/** The JSON form of {@link QueryRecord}: stable snake_case names, times as ISO-8601 UTC strings. */
public final class QueryLogJson {
    /** Shared, configured once; ObjectMapper is thread-safe after configuration. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("cascade4j-instant")
                    .addSerializer(Instant.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(Instant v, JsonGenerator g, SerializerProvider p) throws IOException {
                            g.writeString(v.toString());
                        }
                    })
                    .addDeserializer(Instant.class, new JsonDeserializer<>() {
                        @Override
                        public Instant deserialize(JsonParser p, DeserializationContext c) throws IOException {
                            return Instant.parse(p.getValueAsString());
                        }
                    }))
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private QueryLogJson() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public static QueryRecord readRecord(String json) {
        try {
            return MAPPER.readValue(json, QueryRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a query record: " + e.getOriginalMessage(), e);
        }
    }

    public static QueryRecord readRecord(JsonNode json) {
        try {
            return MAPPER.treeToValue(json, QueryRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a query record: " + e.getOriginalMessage(), e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
