package dev.cascade4j.agent.log.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.agent.log.QueryRecord;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskClustersTest {

    static QueryRecord rec(String id, String route, String user, boolean escalated) {
        var req = new QueryRecord.Request(List.of(new QueryRecord.Message("system", "You are helpful.", List.of(), null, null),
                new QueryRecord.Message("user", user, List.of(), null, null)), null, null, null);
        return new QueryRecord(id, Instant.now(), route, 0.9, 0.5, "m", req, null, escalated, escalated ? "LOW_GENERATION_CONFIDENCE" : "NONE",
                null, false, null, 1, 1, 1, 1, null);
    }

    @Test
    void groupsSubtasksByMeaningAndChoosesKBySilhouette() {
        List<String> weather = List.of("What is the weather in Paris today?", "Will it rain in London tomorrow?",
                "How hot is it in Madrid right now?", "Is it snowing in Oslo?", "Weather forecast for Berlin this weekend");
        List<String> sql = List.of("Write a SQL query that counts orders per customer", "SELECT all users created after 2024 in SQL",
                "Join the invoices and payments tables in SQL", "SQL: delete duplicate rows from a table", "Write SQL to find the top 5 products by revenue");
        List<String> translate = List.of("Translate 'good morning' into French", "How do you say thank you in Japanese?",
                "Translate this sentence to German: I like trains", "What is 'cat' in Spanish?", "Translate 'where is the station' to Italian");
        List<QueryRecord> records = new ArrayList<>();
        int i = 0;
        for (String q : weather) {
            records.add(rec("w" + i++, "weather", q, false));
        }
        for (String q : sql) {
            records.add(rec("s" + i++, "sql", q, true)); // the SLM struggles with SQL
        }
        for (String q : translate) {
            records.add(rec("t" + i++, null, q, i % 2 == 0));
        }
        ClusterReport report = TaskClusters.builder(new AllMiniLmL6V2QuantizedEmbeddingModel()).build().cluster(records);
        assertEquals(3, report.k(), report.describe());
        assertTrue(report.silhouette() > 0.1, report.describe());
        // each cluster is one topic, and the all-escalated SQL one comes first
        TaskCluster first = report.clusters().getFirst();
        assertEquals(Map.of("sql", 5), first.routes(), report.describe());
        assertEquals(1.0, first.escalationRate());
        Set<String> seen = new HashSet<>();
        for (TaskCluster c : report.clusters()) {
            assertEquals(5, c.size(), report.describe());
            assertEquals(1, c.routes().size(), report.describe());
            assertTrue(seen.add(c.routes().keySet().iterator().next()));
            assertEquals(3, c.samples().size());
        }
        assertTrue(seen.contains("(none)"));

        ClusterReport agglomerative = TaskClusters.builder(new AllMiniLmL6V2QuantizedEmbeddingModel()).similarityCut(0.18).build().cluster(records);
        assertEquals(3, agglomerative.k(), agglomerative.describe());
        assertEquals(Map.of("sql", 5), agglomerative.clusters().getFirst().routes(), agglomerative.describe());
        for (TaskCluster c : agglomerative.clusters()) {
            assertEquals(5, c.size(), agglomerative.describe());
        }

        // a higher cut only splits groups: at 0.3 the loosest topic breaks up, every group stays one topic
        ClusterReport strict = TaskClusters.builder(new AllMiniLmL6V2QuantizedEmbeddingModel()).similarityCut(0.3).build().cluster(records);
        assertTrue(strict.k() > 3, strict.describe());
        strict.clusters().forEach(c -> assertEquals(1, c.routes().size(), strict.describe()));
        ClusterReport loose = TaskClusters.builder(new AllMiniLmL6V2QuantizedEmbeddingModel()).similarityCut(0.05).build().cluster(records);
        assertTrue(loose.k() < 3, loose.describe());

        ClusterReport fixed = TaskClusters.builder(new AllMiniLmL6V2QuantizedEmbeddingModel()).k(2).build().cluster(records);
        assertEquals(2, fixed.clusters().size());
        assertEquals(15, fixed.clusters().stream().mapToInt(TaskCluster::size).sum());
    }
}
