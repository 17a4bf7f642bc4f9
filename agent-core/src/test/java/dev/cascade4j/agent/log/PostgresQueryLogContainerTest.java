package dev.cascade4j.agent.log;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.pgclient.PgConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** The same tests against a throwaway PostgreSQL in Docker; skipped when no Docker engine answers. */
class PostgresQueryLogContainerTest extends PostgresQueryLogContract {
    private PostgreSQLContainer container;

    @BeforeAll
    @Override
    void start() throws Exception {
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(), "no Docker engine: the Testcontainers PostgreSQL is skipped");
        container = new PostgreSQLContainer("postgres:16-alpine");
        container.start();
        super.start();
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
