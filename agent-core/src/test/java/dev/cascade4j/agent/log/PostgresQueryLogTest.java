package dev.cascade4j.agent.log;

import io.vertx.pgclient.PgConnectOptions;

/**
 * Against the server named by {@code CASCADE4J_TEST_PG_URL} ({@code postgresql://host:port/db}),
 * {@code CASCADE4J_TEST_PG_USER} and {@code CASCADE4J_TEST_PG_PASSWORD}; {@code .ci/run} starts one
 * and sets them. Skipped when they are not set.
 */
class PostgresQueryLogTest extends PostgresQueryLogContract {
    private static final String URL = System.getenv("CASCADE4J_TEST_PG_URL");

    @Override
    String unavailable() {
        return URL != null && !URL.isBlank() ? null : "CASCADE4J_TEST_PG_URL is not set: no PostgreSQL for this test "
                + "(.ci/run starts one; or run `. .ci/postgres` before ./mvnw -B test)";
    }

    @Override
    PgConnectOptions connectOptions() {
        PgConnectOptions o = PgConnectOptions.fromUri(URL);
        if (System.getenv("CASCADE4J_TEST_PG_USER") != null) {
            o.setUser(System.getenv("CASCADE4J_TEST_PG_USER"));
        }
        if (System.getenv("CASCADE4J_TEST_PG_PASSWORD") != null) {
            o.setPassword(System.getenv("CASCADE4J_TEST_PG_PASSWORD"));
        }
        return o;
    }
}
