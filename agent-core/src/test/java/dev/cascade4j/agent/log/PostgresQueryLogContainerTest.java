package dev.cascade4j.agent.log;

import io.vertx.pgclient.PgConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** The same tests against a throwaway PostgreSQL in Docker; skipped when no Docker engine answers. */
class PostgresQueryLogContainerTest extends PostgresQueryLogContract {
    private static final boolean DOCKER = DockerClientFactory.instance().isDockerAvailable();
    private PostgreSQLContainer container;

    @Override
    String unavailable() {
        return DOCKER ? null : "no Docker engine: the Testcontainers PostgreSQL is skipped";
    }

    @Override
    void startServer() {
        container = new PostgreSQLContainer("postgres:16-alpine");
        container.start();
    }

    @AfterAll
    @Override
    void stop() throws Exception {
        super.stop();
        if (container != null) {
            container.stop();
        }
    }

    @Override
    PgConnectOptions connectOptions() {
        return new PgConnectOptions().setHost(container.getHost()).setPort(container.getMappedPort(5432))
                .setDatabase(container.getDatabaseName()).setUser(container.getUsername()).setPassword(container.getPassword());
    }
}
