package dev.cascade4j.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.agent.log.DataDirectory;
import dev.cascade4j.agent.log.JsonlSegments;
import dev.cascade4j.agent.log.LogQuery;
import dev.cascade4j.agent.log.QueryLogVerticle;
import dev.cascade4j.agent.log.QueryRecord;
import dev.cascade4j.agent.log.Redactor;
import dev.cascade4j.agent.log.cluster.ClusterReport;
import dev.cascade4j.agent.log.cluster.TaskClusters;
import dev.cascade4j.agent.log.export.ExportFormat;
import dev.cascade4j.agent.log.export.ExportReport;
import dev.cascade4j.agent.log.export.FineTuneExport;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.Router;
import dev.cascade4j.router.Subtask;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The fine-tuning loop in one program: route a batch of varied requests with the query log on, export
 * what was logged as a fine-tuning file, and group it by meaning to see which tasks escalate most, the
 * ones a fine-tuned small model would take over. The same steps as {@code ./cascade4j serve --data-dir},
 * {@code export} and {@code clusters}, in code. Run it with {@code ./cascade4j finetune-loop [--data-dir DIR]}
 * (default: a new temporary folder).
 */
public final class FineTuneLoopExample {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FineTuneLoopExample() {
    }

    public static void main(String[] args) throws IOException {
        Path dataDir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("cascade4j-loop");
        Vertx vertx = Vertx.vertx();
        try (CascadeRouter router = CascadeRouter.builder(vertx).build()) {     // the embedded two-tier cascade
            run(vertx, router, traffic(96), dataDir, System.out::println);
        } finally {
            vertx.close().await();                                              // Vert.x's threads would keep the JVM running
        }
    }

    /** What one turn of the loop produced. */
    record Turn(List<RoutedAnswer> answers, List<QueryRecord> logged, ExportReport export, ClusterReport clusters) {
    }

    // readme:finetune-loop-begin
    static Turn run(Vertx vertx, Router router, List<GenerationRequest> traffic, Path dataDir, Consumer<String> print) {
        // 1. Collect: every routed subtask is published on the event bus; the log verticle writes it, redacted.
        String log = vertx.deployVerticle(QueryLogVerticle.jsonl(dataDir, Redactor.all())).await();
        print.accept("routing " + traffic.size() + " subtasks, logged in " + DataDirectory.queries(dataDir));
        List<Future<RoutedAnswer>> sent = traffic.stream()                     // all at once: the models batch them
                .map(r -> router.route(Subtask.of(r).withDeadline(Duration.ofMinutes(5)))).toList();
        List<RoutedAnswer> answers = new ArrayList<>();
        for (Future<RoutedAnswer> f : sent) {
            try {
                RoutedAnswer a = f.await();
                answers.add(a);
                print.accept(served(a));
            } catch (Exception e) {
                print.accept("failed: " + e.getMessage());
            }
        }
        vertx.undeploy(log).await();                           // closes the log: every record is on disk
        List<QueryRecord> logged = JsonlSegments.scan(DataDirectory.queries(dataDir), LogQuery.ALL).records();

        // 2. Curate: one training example per distinct request with a trustworthy answer, 10% kept for validation.
        ExportReport export = FineTuneExport.builder(ExportFormat.OPENAI_CHAT).validationSplit(0.1).build()
                .write(logged, dataDir.resolve("train.jsonl"));
        print.accept("\n" + export.describe());

        // 3. Cluster: which kind of task escalates most, and so would pay off as a fine-tuned specialist.
        ClusterReport clusters = TaskClusters.builder(new AllMiniLmL6V2QuantizedEmbeddingModel()).maxK(6).build().cluster(logged);
        print.accept(clusters.describe());
        return new Turn(answers, logged, export, clusters);
    }
    // readme:finetune-loop-end

    private static String served(RoutedAnswer a) {
        var d = a.decision();
        String by = d.escalated() ? "escalated to " + d.model() + " (" + d.reason() + ")" : d.fallback() ? "SLM, low confidence" : "SLM " + d.model();
        String text = a.subtask().request().messages().getLast().content().replace('\n', ' ');
        return String.format(Locale.ROOT, "%-9s %-52s %s", d.route(), by, text.length() > 60 ? text.substring(0, 57) + "..." : text);
    }

    /** A morning's traffic: tool calls, extractions, labels, summaries and reasoning, one request twice. */
    static List<GenerationRequest> traffic(int maxTokens) {
        ToolSpec weather = tool("get_weather", "Current weather in a city", """
                {"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""");
        ToolSpec orderStatus = tool("order_status", "Status of an order by its number", """
                {"type":"object","properties":{"order_id":{"type":"string"}},"required":["order_id"]}""");
        ResponseFormat contact = schema("""
                {"type":"object","properties":{"name":{"type":"string"},"email":{"type":"string"}},"required":["name","email"]}""");
        ResponseFormat invoice = schema("""
                {"type":"object","properties":{"invoice_number":{"type":"string"},"total":{"type":"number"}},"required":["invoice_number","total"]}""");
        List<GenerationRequest.Builder> out = new ArrayList<>(List.of(
                withTools("What's the weather in Lisbon right now?", weather),
                withTools("Is it raining in Oslo?", weather),
                withTools("Where is my order A-1038?", orderStatus),
                structured("Extract the contact: Maria Lopez, maria.lopez@example.com", contact),
                structured("Extract the contact from this signature: Tom Kowalski | tom.kowalski@example.com | Sales", contact),
                structured("Invoice NPP-2026-0412 from Nordic Print, total due 2,275.00 EUR.", invoice),
                text("Classify the sentiment of this review as positive, negative or neutral: the tent leaked on the first night."),
                text("Which team should handle this ticket, billing or shipping? My parcel was sent to the wrong address."),
                text("Summarize: the board approved the budget for next year after a long debate about the new warehouse."),
                text("Give a one-line summary: the release moves to Friday because two tests fail on the payment page."),
                text("Plan a zero-downtime migration of our order database to another cloud provider.")));
        out.add(out.getFirst());                               // a repeated request: the export keeps it once
        return out.stream().map(r -> r.maxTokens(maxTokens).build()).toList();
    }

    private static GenerationRequest.Builder text(String user) {
        return GenerationRequest.builder().user(user);
    }

    private static GenerationRequest.Builder withTools(String user, ToolSpec tool) {
        return GenerationRequest.builder().user(user).tools(List.of(tool));
    }

    private static GenerationRequest.Builder structured(String user, ResponseFormat format) {
        return GenerationRequest.builder().user(user).responseFormat(format);
    }

    private static ToolSpec tool(String name, String description, String parameters) {
        return new ToolSpec(name, description, json(parameters));
    }

    private static ResponseFormat schema(String schema) {
        return ResponseFormat.jsonSchema(json(schema));
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
