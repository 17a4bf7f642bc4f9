package dev.cascade4j.cli;

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
import dev.cascade4j.router.internal.parse.Durations;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./cascade4j export} and {@code ./cascade4j clusters}: the query log turned into training data and insight. */
final class LogCommands {
    private LogCommands() {
    }

    /** Which log, and which of its records: the options both commands share. */
    static final class Source {
        @Option(names = "--data-dir", paramLabel = "DIR", description = "the query log in DIR/queries")
        Path dataDir;
        @Option(names = "--log-postgres", paramLabel = "URL", description = "the query log in PostgreSQL (postgresql://user:password@host:5432/db)")
        String postgres;
        @Option(names = "--route", paramLabel = "R", description = "only this route's subtasks")
        String route;
        @Option(names = "--since", paramLabel = "T", converter = Since.class,
                description = "only subtasks logged since T: 2026-01-31T12:00:00Z, 2026-01-31 (UTC) or an age (7d, 12h, 30m)")
        Instant since;
    }

    @Command(name = "export", description = {"Write logged subtasks as a fine-tuning file.",
            "De-duplicated, with a report of what was kept and dropped; a validation share goes to FILE.val.jsonl."})
    static final class Export implements Callable<Integer> {
        @Option(names = "--format", required = true, paramLabel = "openai-chat|hf-messages", description = "OpenAI chat, or Hugging Face messages (TRL, Unsloth)")
        String format;
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "the file to write")
        Path out;
        @Option(names = "--only", paramLabel = "teacher|accepted|corrected", description = "only answers of that kind")
        String only;
        @Option(names = "--val-split", paramLabel = "SHARE", description = "share kept for validation, e.g. 0.1 (default ${DEFAULT-VALUE})")
        double valSplit = 0;
        @Mixin
        Source source = new Source();

        @Override
        public Integer call() {
            FineTuneExport.Builder b;
            try {
                b = FineTuneExport.builder(ExportFormat.parse(format))
                        .route(source.route)
                        .since(source.since)
                        .only(only(only))
                        .validationSplit(valSplit);
            } catch (IllegalArgumentException e) {
                throw new Cli.UsageException(e.getMessage());
            }
            // every record: the exporter filters, so that the report says what --route and --since dropped
            List<QueryRecord> records = read(source, LogQuery.ALL);
            ExportReport report = b.build().write(records, out);
            System.out.print(report.describe());
            return 0;
        }
    }

    @Command(name = "clusters", description = {"Group logged subtasks by meaning: size, escalation rate and samples per group.",
            "k-means, with k chosen by silhouette unless --k is given; or agglomerative, merging while the mean cosine "
                    + "similarity is at least --similarity."})
    static final class Clusters implements Callable<Integer> {
        @Option(names = "--k", paramLabel = "N", description = "this many groups")
        Integer k;
        @Option(names = "--similarity", paramLabel = "S", description = "merge groups while their mean cosine similarity is at least S")
        Double similarity;
        @Option(names = "--max-k", paramLabel = "N", description = "most groups tried when k is chosen (default 12)")
        Integer maxK;
        @Mixin
        Source source = new Source();

        @Override
        public Integer call() {
            List<QueryRecord> records = read(source, new LogQuery(source.route, source.since, 0));
            if (records.size() < 2) {
                System.out.println("the log holds " + records.size() + " subtasks; clustering needs at least 2");
                return 1;
            }
            TaskClusters.Builder b = TaskClusters.builder(new AllMiniLmL6V2QuantizedEmbeddingModel());
            try {
                if (k != null) {
                    b.k(k);
                }
                if (similarity != null) {
                    b.similarityCut(similarity);
                }
                if (maxK != null) {
                    b.maxK(maxK);
                }
            } catch (IllegalArgumentException e) {
                throw new Cli.UsageException(e.getMessage());
            }
            ClusterReport report = b.build().cluster(records);
            System.out.print(report.describe());
            return 0;
        }
    }

    private static List<QueryRecord> read(Source source, LogQuery query) {
        if (source.postgres != null && source.dataDir != null) {
            throw new Cli.UsageException("--data-dir and --log-postgres exclude each other: the log is in one place");
        }
        if (source.postgres != null) {
            return readPostgres(source.postgres, query);
        }
        Path data = source.dataDir != null ? source.dataDir : DataDirectory.root();
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

    /** {@code --since}: an instant (2026-01-31T12:00:00Z), a date (2026-01-31, UTC) or an age ({@link Durations}: 7d, 12h, 30m). */
    static final class Since implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String s) {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException notInstant) {
                try {
                    return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notDate) {
                    try {
                        return Instant.now().minus(Durations.parse(s));
                    } catch (IllegalArgumentException notAge) {
                        throw new CommandLine.TypeConversionException(
                                "'" + s + "' is not a time; write 2026-01-31T12:00:00Z, 2026-01-31 or an age like 7d, 12h, 30m");
                    }
                }
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
}
