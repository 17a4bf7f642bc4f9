package dev.cascade4j.agent.log;

import dev.cascade4j.agent.internal.log.QueryLogJson;
import dev.cascade4j.router.confidence.ConfidenceSignals;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** The SQL of the query log's rows, and the conversion between a {@link QueryRecord} and its row. */
final class PostgresRows {
    static final String INSERT = "INSERT INTO " + PostgresSchema.TABLE + " (id, time, route, classifier_confidence, generation_confidence, model,"
            + " request, slm_answer, escalated, reason, detail, fallback, teacher_answer, latency_ms, router_ms, tokens_in, tokens_out,"
            + " feedback_rating, feedback_correction, feedback_time, signals, node) VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8::text::jsonb,"
            + " $9, $10, $11, $12, $13::text::jsonb, $14, $15, $16, $17, $18, $19, $20, $21::text::jsonb, $22) ON CONFLICT (id) DO NOTHING";
    static final String FEEDBACK = "UPDATE " + PostgresSchema.TABLE + " SET feedback_rating = $2, feedback_correction = $3, feedback_time = $4"
            + " WHERE id = $1 AND (feedback_time IS NULL OR feedback_time <= $4)";
    static final String SELECT = "SELECT id, time, route, classifier_confidence, generation_confidence, model, request::text,"
            + " slm_answer::text, escalated, reason, detail, fallback, teacher_answer::text, latency_ms, router_ms, tokens_in, tokens_out,"
            + " feedback_rating, feedback_correction, feedback_time, signals::text, node FROM " + PostgresSchema.TABLE;

    private PostgresRows() {
    }

    /** The INSERT's parameters for a record. */
    static Tuple insertTuple(QueryRecord r) {
        QueryRecord.Feedback f = r.feedback();
        return Tuple.from(new Object[] {
                r.id(), time(r.time()), r.route(), r.classifierConfidence(), r.generationConfidence(), r.model(),
                QueryLogJson.write(r.request()), json(r.slmAnswer()), r.escalated(), r.reason(), r.detail(), r.fallback(),
                json(r.teacherAnswer()), r.latencyMillis(), r.routerMillis(), r.tokensIn(), r.tokensOut(),
                f == null || f.rating() == null ? null : f.rating().json(), f == null ? null : f.correction(),
                f == null ? null : time(f.time()), json(r.signals()), r.node()});
    }

    private static String json(Object o) {
        return o == null ? null : QueryLogJson.write(o);
    }

    // timestamptz keeps microseconds
    static OffsetDateTime time(Instant t) {
        return OffsetDateTime.ofInstant(t.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    /** The record a row of the SELECT holds. */
    static QueryRecord record(Row r) {
        QueryRecord.Feedback f = null;
        if (r.getOffsetDateTime(19) != null) {
            f = new QueryRecord.Feedback(QueryRecord.Rating.parse(r.getString(17)), r.getString(18), r.getOffsetDateTime(19).toInstant());
        }
        return new QueryRecord(r.getString(0), r.getOffsetDateTime(1).toInstant(), r.getString(2), r.getDouble(3), r.getDouble(4),
                r.getString(5), QueryLogJson.read(r.getString(6), QueryRecord.Request.class), answer(r.getString(7)), r.getBoolean(8),
                r.getString(9), r.getString(10), r.getBoolean(11), answer(r.getString(12)), r.getDouble(13), r.getDouble(14),
                r.getInteger(15), r.getInteger(16), f,
                r.getString(20) == null ? null : QueryLogJson.read(r.getString(20), ConfidenceSignals.class), r.getString(21));
    }

    private static QueryRecord.Answer answer(String json) {
        return json == null ? null : QueryLogJson.read(json, QueryRecord.Answer.class);
    }
}
