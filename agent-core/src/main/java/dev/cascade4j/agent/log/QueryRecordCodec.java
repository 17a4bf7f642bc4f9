package dev.cascade4j.agent.log;

import dev.cascade4j.agent.internal.log.QueryLogJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;

/**
 * Carries a {@link QueryRecord} on the event bus: by reference within a JVM, as its JSON (length
 * prefixed, UTF-8) between JVMs on a clustered bus. Register it with
 * {@code vertx.eventBus().registerDefaultCodec(QueryRecord.class, new QueryRecordCodec())}.
 */
public final class QueryRecordCodec implements MessageCodec<QueryRecord, QueryRecord> {
    public static final String NAME = "cascade4j-query-record";

    @Override
    public void encodeToWire(Buffer buffer, QueryRecord record) {
        byte[] json = QueryLogJson.write(record).getBytes(StandardCharsets.UTF_8);
        buffer.appendInt(json.length).appendBytes(json);
    }

    @Override
    public QueryRecord decodeFromWire(int pos, Buffer buffer) {
        int length = buffer.getInt(pos);
        return QueryLogJson.readRecord(buffer.getString(pos + 4, pos + 4 + length, "UTF-8"));
    }

    @Override
    public QueryRecord transform(QueryRecord record) {
        return record; // immutable
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
