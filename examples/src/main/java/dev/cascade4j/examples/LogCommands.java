package dev.cascade4j.examples;

import dev.cascade4j.agent.log.DataDirectory;
import dev.cascade4j.agent.log.JsonlSegments;
import dev.cascade4j.agent.log.LogQuery;
import dev.cascade4j.agent.log.PostgresQueryLog;
import dev.cascade4j.agent.log.QueryRecord;
import dev.cascade4j.agent.log.cluster.ClusterReport;
import dev.cascade4j.agent.log.cluster.TaskClusters;
import dev.cascade4j.agent.log.export.ExportFormat;
import dev.cascade4j.agent.log.export.ExportReport;
import dev.cascade4j.agent.log.export.FineTuneExport;
import dev.cascade4j.agent.log.export.TrainingTarget;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code ./cascade4j export} and {@code ./cascade4j clusters}: the query log turned into training data and insight. */
final class LogCommands {
    private static final Pattern RELATIVE = Pattern.compile("(\\d+)([dhm])");

    private LogCommands() {
    }

    static int export(Map<String, String> o) {
        if (!o.containsKey("format") || !o.containsKey("out")) {
            throw new Cli.UsageException("export needs --format openai-chat|hf-messages and --out FILE");
        }
        FineTuneExport.Builder b;
        try {
            b = FineTuneExport.builder(ExportFormat.parse(o.get("format")))
                    .route(o.get("route"))
                    .since(since(o))
                    .only(only(o.get("only")))
                    .validationSplit(o.containsKey("val-split") ? number(o, "val-split") : 0);
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException(e.getMessage());
        }
        // every record: the exporter filters, so that the report says what --route and --since dropped
        List<QueryRecord> records = read(o, LogQuery.ALL);
        ExportReport report = b.build().write(records, Path.of(o.get("out")));
        System.out.print(report.describe());
        return 0;
    }

    static int clusters(Map<String, String> o) {
        List<QueryRecord> records = read(o, new LogQuery(o.get("route"), since(o), 0));
        if (records.size() < 2) {
            System.out.println("the log holds " + records.size() + " subtasks; clustering needs at least 2");
            return 1;
        }
        TaskClusters.Builder b = TaskClusters.builder(new AllMiniLmL6V2QuantizedEmbeddingModel());
        try {
            if (o.containsKey("k")) {
                b.k(Cli.intOption(o, "k", 0));
            }
            if (o.containsKey("similarity")) {
                b.similarityCut(number(o, "similarity"));
            }
            if (o.containsKey("max-k")) {
                b.maxK(Cli.intOption(o, "max-k", 12));
            }
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException(e.getMessage());
        }
        ClusterReport report = b.build().cluster(records);
        System.out.print(report.describe());
        return 0;
    }

    private static List<QueryRecord> read(Map<String, String> o, LogQuery query) {
        if (o.containsKey("log-postgres")) {
            return readPostgres(o.get("log-postgres"), query);
        }
        Path data = o.containsKey("data-dir") ? Path.of(o.get("data-dir")) : DataDirectory.root();
        Path dir = DataDirectory.queries(data);
        if (!Files.isDirectory(dir)) {
            throw new Cli.UsageException("no query log in " + dir + "; run traffic through ./cascade4j serve first, or pass --data-dir DIR");
        }
        JsonlSegments.Scan scan = JsonlSegments.scan(dir, query);
        System.err.printf("read %d records from %d segment(s) in %s%s%n", scan.records().size(), scan.segments(), dir,
                scan.skippedLines() == 0 ? "" : " (" + scan.skippedLines() + " torn line(s) skipped)");
        return scan.records();
    }

    /** The records of a PostgreSQL query log ({@code serve --log-postgres URL} wrote them). */
    private static List<QueryRecord> readPostgres(String url, LogQuery query) {
        PgConnectOptions options;
        try {
            options = PgConnectOptions.fromUri(url);
        } catch (RuntimeException e) {
            throw new Cli.UsageException("--log-postgres needs a URL like postgresql://user:password@host:5432/db, got '"
                    + redacted(url) + "': " + e.getMessage());
        }
        Vertx vertx = Vertx.vertx();
        try {
            PostgresQueryLog log = PostgresQueryLog.builder(vertx, options).open()
                    .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            try {
                List<QueryRecord> records = log.read(query).toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
                System.err.printf("read %d records from PostgreSQL %s%n", records.size(), redacted(url));
                return records;
            } finally {
                log.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
        } catch (ExecutionException e) {
            throw new Cli.UsageException("cannot read the query log in PostgreSQL " + redacted(url) + ": " + e.getCause().getMessage());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("reading the query log in PostgreSQL " + redacted(url) + " did not finish: " + e, e);
        } finally {
            vertx.close();
        }
    }

    // user:password@ is not for the terminal
    private static String redacted(String url) {
        return url.replaceAll("//[^@/]*@", "//");
    }

    /** {@code --since}: an instant (2026-01-31T12:00:00Z), a date (2026-01-31, UTC) or an age (7d, 12h, 30m). */
    static Instant since(Map<String, String> o) {
        String s = o.get("since");
        if (s == null) {
            return null;
        }
        Matcher m = RELATIVE.matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return Instant.now().minus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofMinutes(n);
            });
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException notInstant) {
            try {
                return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notDate) {
                throw new Cli.UsageException("--since takes 2026-01-31T12:00:00Z, 2026-01-31 or an age like 7d, 12h, 30m; got '" + s + "'");
            }
        }
    }

    private static TrainingTarget only(String s) {
        if (s == null) {
            return null;
        }
        return switch (s) {
            case "teacher" -> TrainingTarget.TEACHER;
            case "accepted" -> TrainingTarget.ACCEPTED;
            case "corrected" -> TrainingTarget.CORRECTION;
            default -> throw new IllegalArgumentException("--only takes teacher, accepted or corrected; got '" + s + "'");
        };
    }

    private static double number(Map<String, String> o, String key) {
        try {
            return Double.parseDouble(o.get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " needs a number, got '" + o.get(key) + "'");
        }
    }
}
