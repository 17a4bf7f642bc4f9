package dev.cascade4j.agent.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.agent.internal.log.QueryLogJson;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** A record's INSERT parameters, checked without a database. */
class PostgresRowsTest {
    @Test
    void aRecordBecomesTheInsertsParametersInColumnOrder() {
        QueryRecord r = QueryRecord.from(SampleRecords.kept("r1", "Paris", Instant.parse("2026-01-02T03:04:05.123456789Z")));
        Tuple t = PostgresRows.insertTuple(r);
        assertEquals(22, t.size());
        assertEquals("r1", t.getValue(0));
        assertEquals(OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 123_456_000, ZoneOffset.UTC), t.getValue(1), "timestamptz keeps microseconds");
        assertEquals(QueryLogJson.write(r.request()), t.getValue(6));
        assertEquals(QueryLogJson.write(r.slmAnswer()), t.getValue(7));
        assertEquals(r.escalated(), t.getValue(8));
        assertNull(t.getValue(12), "no teacher answer");
        assertNull(t.getValue(17), "no feedback yet");
        assertNull(t.getValue(19));
        assertEquals(r.signals() == null ? null : QueryLogJson.write(r.signals()), t.getValue(20));
        assertEquals(SampleRecords.MODEL_NODE, t.getValue(21));
    }

    @Test
    void theSqlNamesTheTable() {
        assertEquals(PostgresSchema.MIGRATIONS.size(), PostgresQueryLog.schemaVersion());
        assertTrue(PostgresRows.SELECT.endsWith(" FROM " + PostgresSchema.TABLE));
    }
}
