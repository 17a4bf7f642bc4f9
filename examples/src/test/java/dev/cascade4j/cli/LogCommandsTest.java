package dev.cascade4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.agent.log.DataDirectory;
import dev.cascade4j.agent.log.JsonlQueryLog;
import dev.cascade4j.agent.log.PostgresQueryLog;
import dev.cascade4j.agent.log.QueryRecord;
import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.Timings;
import dev.cascade4j.inference.Usage;
import dev.cascade4j.router.EscalationReason;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.RoutingDecision;
import dev.cascade4j.router.Subtask;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCommandsTest {
    @TempDir
    Path tmp;

    static RoutedAnswer routed(String id, String question, String slm, String teacher) {
        GenerationRequest req = GenerationRequest.builder().user(question).build();
        GenerationResult s = new GenerationResult(slm, List.of(), FinishReason.STOP, Confidence.NONE, new Usage(5, 0, 3, 0), new Timings(0, 1, 1));
        GenerationResult t = teacher == null ? null
                : new GenerationResult(teacher, List.of(), FinishReason.STOP, Confidence.NONE, new Usage(5, 0, 3, 0), new Timings(0, 1, 1));
        return new RoutedAnswer(new Subtask(id, req, null, null, Instant.parse("2026-06-01T00:00:00Z")),
                new RoutingDecision(id, "facts", 0.9, teacher == null ? 0.9 : 0.2, teacher != null,
                        teacher == null ? EscalationReason.NONE : EscalationReason.LOW_GENERATION_CONFIDENCE, "m", false, ""),
                t == null ? s : t, s, t, Duration.ofMillis(5), Duration.ofMillis(1));
    }

    @Test
    void exportsTheLogInADataFolder() throws Exception {
        JsonlQueryLog log = JsonlQueryLog.builder(DataDirectory.queries(tmp)).open();
        log.append(QueryRecord.from(routed("1", "Capital of France?", "Paris", null)));
        log.append(QueryRecord.from(routed("2", "Capital of Peru?", "Quito", "Lima")));
        log.append(QueryRecord.from(routed("3", "Capital of France?", "Paris", null)));
        log.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        Path out = tmp.resolve("train.jsonl");
        PrintStream saved = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true));
        try {
            assertEquals(0, Cli.run("export", "--format", "hf-messages", "--out", out.toString(), "--data-dir", tmp.toString(),
                    "--since", "2026-05-01"));
        } finally {
            System.setOut(saved);
        }
        List<String> lines = Files.readAllLines(out);
        assertEquals(2, lines.size());
        JsonNode peru = new ObjectMapper().readTree(lines.get(1));
        assertEquals("Capital of Peru?", peru.at("/messages/0/content").asText());
        assertEquals("Lima", peru.at("/messages/1/content").asText());
        assertTrue(printed.toString().contains("1 duplicate request"), printed.toString());
        assertTrue(printed.toString().contains("read 3 records"), printed.toString());

        printed.reset();
        System.setOut(new PrintStream(printed, true));
        try {
            assertEquals(0, Cli.run("clusters", "--data-dir", tmp.toString(), "--k", "2"));
        } finally {
            System.setOut(saved);
        }
        assertTrue(printed.toString().startsWith("3 subtasks in 2 clusters"), printed.toString());
        assertTrue(printed.toString().contains("Capital of Peru?"), printed.toString());

        var bad = CliTest.run("export", "--format", "csv", "--out", "x", "--data-dir", tmp.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("openai-chat or hf-messages") && bad.err().contains("Usage: ./cascade4j export"), bad.err());
        var missing = CliTest.run("clusters", "--data-dir", tmp.resolve("none").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("error: no query log in"), missing.err());
    }

    /** {@code .ci/run} starts a PostgreSQL and names it in these variables; without them the test is skipped. */
    @Test
    void exportsTheLogInPostgres() throws Exception {
        String url = System.getenv("CASCADE4J_TEST_PG_URL");
        Assumptions.assumeTrue(url != null && !url.isBlank(), "CASCADE4J_TEST_PG_URL is not set: no PostgreSQL for this test");
        String withLogin = url.replaceFirst("//", "//" + System.getenv("CASCADE4J_TEST_PG_USER") + ":" + System.getenv("CASCADE4J_TEST_PG_PASSWORD") + "@");
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        String run = java.util.UUID.randomUUID().toString().substring(0, 8);
        try {
            PostgresQueryLog log = PostgresQueryLog.builder(vertx, io.vertx.pgclient.PgConnectOptions.fromUri(withLogin)).open()
                    .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            RoutedAnswer peru = routed("pg-" + run, "Capital of Peru? (" + run + ")", "Quito", "Lima");
            log.append(QueryRecord.from(peru)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            log.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        Path out = tmp.resolve("pg-train.jsonl");
        assertEquals(0, Cli.run("export", "--format", "openai-chat", "--out", out.toString(), "--log-postgres", withLogin));
        JsonNode mine = null;
        for (String line : Files.readAllLines(out)) {
            JsonNode n = new ObjectMapper().readTree(line);
            if (n.at("/messages/0/content").asText().equals("Capital of Peru? (" + run + ")")) {
                mine = n;
            }
        }
        assertTrue(mine != null, "the record appended to PostgreSQL is in the export");
        assertEquals("Lima", mine.at("/messages/1/content").asText(), mine.toString());

        var bad = CliTest.run("export", "--format", "openai-chat", "--out", out.toString(),
                "--log-postgres", withLogin.replaceFirst(":[^:@/]+@", ":wrong-password@"));
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("error: cannot read the query log in PostgreSQL"), bad.err());
        assertTrue(!bad.err().contains("wrong-password"), "the password stays out of the message: " + bad.err());
    }
}
