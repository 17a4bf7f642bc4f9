package dev.cascade4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.agent.log.cluster.TaskCluster;
import dev.cascade4j.examples.FineTuneLoopExample.Turn;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.router.CascadeRouter;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One turn of the loop on SmolLM2: each routed subtask logged once, exported or accounted for, and clustered. */
class FineTuneLoopExampleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Vertx vertx;
    private static CascadeRouter router;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        router = CascadeRouter.builder(vertx).config(TinyCascade.config()).build();
    }

    @AfterAll
    static void stop() {
        router.close();
        vertx.close().await();
    }

    @Test
    void everyLoggedSubtaskIsExportedOrAccountedForAndClustered() throws Exception {
        List<GenerationRequest> traffic = FineTuneLoopExample.traffic(24);

        Turn turn = FineTuneLoopExample.run(vertx, router, traffic, dataDir, line -> { });

        assertEquals(traffic.size(), turn.answers().size(), "every request was answered");
        assertEquals(traffic.size(), turn.logged().size(), "one record per routed subtask");
        var export = turn.export();
        assertEquals(turn.logged().size(), export.read());
        assertEquals(export.read(), export.kept() + export.droppedTotal(), export.describe());
        List<String> lines = new ArrayList<>(Files.readAllLines(export.trainFile()));
        assertEquals(export.train(), lines.size(), export.describe());
        lines.addAll(Files.readAllLines(export.validationFile()));
        assertEquals(export.kept(), lines.size(), export.describe());
        for (String line : lines) {
            JsonNode messages = JSON.readTree(line).path("messages");
            assertTrue(messages.isArray() && messages.size() >= 2, line);
            assertEquals("user", messages.get(messages.size() - 2).path("role").asText(), line);
            assertEquals("assistant", messages.get(messages.size() - 1).path("role").asText(), line);
        }
        var clusters = turn.clusters();
        assertEquals(turn.logged().size(), clusters.subtasks());
        assertEquals(turn.logged().size(), clusters.clusters().stream().mapToInt(TaskCluster::size).sum(), clusters.describe());
    }
}
