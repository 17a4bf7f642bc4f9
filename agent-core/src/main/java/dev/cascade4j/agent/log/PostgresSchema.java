package dev.cascade4j.agent.log;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/** The query log's table in PostgreSQL: its schema versions, and migrating a database to the newest under an advisory lock. */
final class PostgresSchema {
    static final String TABLE = "cascade4j_queries";
    private static final long MIGRATION_LOCK = 0x63617363616465L; // "cascade"

    /** Schema versions in order; a new version is appended here, never edited. */
    static final List<List<String>> MIGRATIONS = List.of(
            List.of("""
                    CREATE TABLE cascade4j_queries (
                      seq bigserial NOT NULL,
                      id text PRIMARY KEY,
                      time timestamptz NOT NULL,
                      route text,
                      classifier_confidence double precision NOT NULL,
                      generation_confidence double precision,
                      model text,
                      request jsonb NOT NULL,
                      slm_answer jsonb,
                      escalated boolean NOT NULL,
                      reason text NOT NULL,
                      detail text,
                      fallback boolean NOT NULL,
                      teacher_answer jsonb,
                      latency_ms double precision NOT NULL,
                      router_ms double precision NOT NULL,
                      tokens_in integer NOT NULL,
                      tokens_out integer NOT NULL,
                      feedback_rating text,
                      feedback_correction text,
                      feedback_time timestamptz)""",
                    "CREATE INDEX cascade4j_queries_time ON cascade4j_queries (time)",
                    "CREATE INDEX cascade4j_queries_route_time ON cascade4j_queries (route, time)",
                    "CREATE UNIQUE INDEX cascade4j_queries_seq ON cascade4j_queries (seq)"),
            // 2: the raw confidence signals of the SLM's answer; rows written before stay null
            List.of("ALTER TABLE cascade4j_queries ADD COLUMN signals jsonb"),
            // 3: the node whose model generated the returned answer; rows written before stay null
            List.of("ALTER TABLE cascade4j_queries ADD COLUMN node text"));

    private PostgresSchema() {
    }

    /** Creates or migrates the schema; safe to run from several processes at once. Completes with the version now in place. */
    static Future<Integer> migrate(Pool pool) {
        return pool.query("CREATE TABLE IF NOT EXISTS cascade4j_schema_version (version integer PRIMARY KEY,"
                        + " applied_at timestamptz NOT NULL DEFAULT now())").execute()
                .recover(e -> isDuplicate(e) ? Future.succeededFuture() : Future.failedFuture(e))
                .compose(x -> pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(MIGRATION_LOCK))
                        .compose(y -> conn.query("SELECT coalesce(max(version), 0) FROM cascade4j_schema_version").execute())
                        .compose(rows -> applyFrom(conn, rows.iterator().next().getInteger(0)))));
    }

    // Two first starts may race on CREATE TABLE IF NOT EXISTS (a known PostgreSQL behaviour).
    private static boolean isDuplicate(Throwable e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("23505") || m.contains("42P07") || m.contains("already exists");
    }

    private static Future<Integer> applyFrom(SqlConnection conn, int current) {
        if (current > MIGRATIONS.size()) {
            return Future.failedFuture(new QueryLogException("the query log schema is at version " + current
                    + ", newer than this cascade4j (" + MIGRATIONS.size() + "); upgrade cascade4j"));
        }
        Future<Void> chain = Future.succeededFuture();
        for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
            int version = v;
            for (String sql : MIGRATIONS.get(v - 1)) {
                chain = chain.compose(x -> conn.query(sql).execute().mapEmpty());
            }
            chain = chain.compose(x -> conn.preparedQuery("INSERT INTO cascade4j_schema_version (version) VALUES ($1)")
                    .execute(Tuple.of(version)).mapEmpty());
        }
        return chain.map(x -> MIGRATIONS.size());
    }
}
