package dev.cascade4j.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.SamplingParams;
import dev.cascade4j.inference.source.ModelStore;
import dev.cascade4j.tools.http.OpenAiServer;
import dev.cascade4j.tools.http.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./cascade4j bench http}: the server under {@code wrk} at 64 connections, in three cases: a
 * bare Vert.x handler that parses the same JSON body and returns a fixed completion (the ceiling),
 * a request answered from the response cache, and a short real SLM generation; the last beside the
 * same generation called on the engine directly by as many concurrent callers. The load generator
 * runs on the same machine, so all figures share its cores.
 */
@Command(name = "http", description = {"Requests/s and latency of the server under wrk, beside a bare Vert.x handler.",
        "Needs wrk (apt-get install -y wrk)."})
public final class HttpBenchmark implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIXED = """
            {"id":"chatcmpl-bare","object":"chat.completion","created":0,"model":"bare","choices":[{"index":0,\
            "message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],\
            "usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12}}""";
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern ERRORS = Pattern.compile("Socket errors:.*");
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");

    @Option(names = "--model", paramLabel = "REF", description = "the model (default ${DEFAULT-VALUE})")
    String ref = ModelStore.DEFAULT_MODEL;
    @Option(names = "--connections", paramLabel = "N", description = "wrk's connections (default ${DEFAULT-VALUE})")
    int connections = 64;
    @Option(names = "--duration", paramLabel = "S", description = "seconds per cached or bare round (default ${DEFAULT-VALUE})")
    int seconds = 5;
    @Option(names = "--gen-duration", paramLabel = "S", description = "seconds per generating round (default ${DEFAULT-VALUE})")
    int genSeconds = 10;
    @Option(names = "--gen-tokens", paramLabel = "N", description = "tokens per generated answer (default ${DEFAULT-VALUE})")
    int genTokens = 8;
    @Option(names = "--rounds", paramLabel = "N", description = "alternating rounds, medians reported (default ${DEFAULT-VALUE})")
    int rounds = 3;
    // One decode thread by default: wrk and the event loops need the other core, and llama.cpp's
    // spinning thread barrier degrades badly when its threads are oversubscribed.
    @Option(names = "--threads", paramLabel = "N", description = "the model's decode threads (default ${DEFAULT-VALUE})")
    int threads = 1;

    record WrkResult(double requestsPerSecond, double p50Millis, double p99Millis, long requests, long non2xx, String errors) {
    }

    @Override
    public Integer call() {
        String wrk = onPath("wrk");
        if (wrk == null) {
            System.err.println("wrk is not installed; install it with: apt-get update && apt-get install -y wrk   (or brew install wrk)");
            return 1;
        }
        String cachedBody = "{\"model\":\"auto\",\"temperature\":0,\"max_tokens\":" + genTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to the team.\"}]}";
        // Temperature above 0 without a seed is never cached: every request generates.
        String generateBody = "{\"model\":\"auto\",\"temperature\":0.7,\"max_tokens\":" + genTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to the team.\"}]}";

        System.out.println("load average before: " + loadAverage());
        Vertx vertx = Vertx.vertx();
        try (LocalModel model = LocalModel.load(ModelStore.defaultStore().resolve(ref),
                LocalModelOptions.defaults().withThreads(threads).withParallelSequences(4).withQueueCapacity(4 * connections).withContextPerSequence(1024))) {
            HttpServer bare = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                    .requestHandler(req -> req.body().onSuccess(body -> {
                        try {
                            JSON.readTree(body.getBytes());
                            req.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(FIXED));
                        } catch (IOException e) {
                            req.response().setStatusCode(400).end();
                        }
                    })).listen().await();
            OpenAiServer server = OpenAiServer.builder().vertx(vertx).router(new dev.cascade4j.router.SingleModelRouter(model))
                    .config(ServerConfig.defaults().withPort(0).withHost("127.0.0.1").withCache(true, 10_000, Duration.ofMinutes(10)))
                    .build();
            server.start().await();
            String base = "http://127.0.0.1:" + server.port() + "/v1/chat/completions";
            // Warm: the JIT on both paths, and the cache entry for (a).
            wrk(wrk, "http://127.0.0.1:" + bare.actualPort() + "/", cachedBody, connections, 2);
            wrk(wrk, base, cachedBody, connections, 2);
            wrk(wrk, base, generateBody, connections, 2);
            model.generate(GenerationRequest.builder().user("drain").maxTokens(1).build());
            // Alternating rounds, medians reported: the machine is shared, and its load drifts within a run.
            List<WrkResult> ceilings = new ArrayList<>();
            List<WrkResult> hits = new ArrayList<>();
            List<WrkResult> generations = new ArrayList<>();
            List<WrkResult> directs = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                ceilings.add(wrk(wrk, "http://127.0.0.1:" + bare.actualPort() + "/", cachedBody, connections, seconds));
                hits.add(wrk(wrk, base, cachedBody, connections, seconds));
                // Order flips each round, so neither side of the comparison always runs first.
                if (round % 2 == 0) {
                    generations.add(wrk(wrk, base, generateBody, connections, genSeconds));
                    directs.add(direct(model, genTokens, connections, genSeconds));
                } else {
                    directs.add(direct(model, genTokens, connections, genSeconds));
                    generations.add(wrk(wrk, base, generateBody, connections, genSeconds));
                }
            }
            WrkResult ceiling = median(ceilings);
            WrkResult cached = median(hits);
            WrkResult generated = median(generations);
            WrkResult direct = median(directs);
            server.stop().await();
            bare.close().await();

            System.out.println("model: " + model.info().name() + ", 4 parallel sequences, " + threads + " decode thread(s); medians of " + rounds
                    + " alternating rounds (" + seconds + " s cached/ceiling, " + genSeconds + " s generation); wrk -t2 -c" + connections + "; same machine");
            System.out.printf(Locale.ROOT, "%-44s %10s %9s %9s %9s%n", "case", "req/s", "p50 ms", "p99 ms", "non-2xx");
            print("ceiling: bare Vert.x handler, fixed answer", ceiling);
            print("(a) response cache hit", cached);
            print("(b) short SLM generation (" + genTokens + " tokens) via HTTP", generated);
            print("    same generation, engine called directly", direct);
            System.out.println("generation req/s per round, HTTP: " + generations.stream().map(r -> String.format(Locale.ROOT, "%.1f", r.requestsPerSecond())).toList()
                    + ", direct: " + directs.stream().map(r -> String.format(Locale.ROOT, "%.1f", r.requestsPerSecond())).toList());
            System.out.printf(Locale.ROOT, "(a) / ceiling: %.2f of the requests/s; p99 %.2f ms%n",
                    cached.requestsPerSecond() / ceiling.requestsPerSecond(), cached.p99Millis());
            System.out.printf(Locale.ROOT, "(b) / direct engine: %.2f of the requests/s%n", generated.requestsPerSecond() / direct.requestsPerSecond());
            for (WrkResult r : List.of(ceiling, cached, generated)) {
                if (!r.errors().isEmpty()) {
                    System.out.println("wrk reported: " + r.errors());
                }
            }
        } finally {
            vertx.close().await();
        }
        System.out.println("load average after: " + loadAverage());
        return 0;
    }

    /** Each figure's median over the rounds, taken separately. */
    private static WrkResult median(List<WrkResult> rs) {
        return new WrkResult(median(rs, WrkResult::requestsPerSecond), median(rs, WrkResult::p50Millis), median(rs, WrkResult::p99Millis),
                rs.stream().mapToLong(WrkResult::requests).sum(), rs.stream().mapToLong(WrkResult::non2xx).sum(),
                String.join("; ", rs.stream().map(WrkResult::errors).filter(e -> !e.isEmpty()).toList()));
    }

    private static double median(List<WrkResult> rs, java.util.function.ToDoubleFunction<WrkResult> f) {
        double[] xs = rs.stream().mapToDouble(f).sorted().toArray();
        return xs[xs.length / 2];
    }

    private static void print(String name, WrkResult r) {
        System.out.printf(Locale.ROOT, "%-44s %10.1f %9.2f %9.2f %9d%n", name, r.requestsPerSecond(), r.p50Millis(), r.p99Millis(), r.non2xx());
    }

    static WrkResult wrk(String wrk, String url, String body, int connections, int seconds) {
        try {
            Path script = Files.createTempFile("cascade4j-wrk", ".lua");
            try {
                Files.writeString(script, "wrk.method = \"POST\"\nwrk.body = [==[" + body + "]==]\n"
                        + "wrk.headers[\"Content-Type\"] = \"application/json\"\n");
                Process p = new ProcessBuilder(wrk, "-t2", "-c" + connections, "-d" + seconds + "s", "--timeout", "60s",
                        "--latency", "-s", script.toString(), url).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("wrk failed:\n" + out);
                }
                return parse(out);
            } finally {
                Files.deleteIfExists(script);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run wrk: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while wrk ran", e);
        }
    }

    static WrkResult parse(String out) {
        Matcher rps = RPS.matcher(out);
        if (!rps.find()) {
            throw new IllegalStateException("no Requests/sec in wrk's output:\n" + out);
        }
        Matcher non2xx = NON_2XX.matcher(out);
        Matcher errors = ERRORS.matcher(out);
        Matcher requests = REQUESTS.matcher(out);
        return new WrkResult(Double.parseDouble(rps.group(1)), percentile(out, "50%"), percentile(out, "99%"),
                requests.find() ? Long.parseLong(requests.group(1)) : 0, non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0,
                errors.find() ? errors.group().trim() : "");
    }

    private static double percentile(String out, String label) {
        Matcher m = Pattern.compile("\\s" + Pattern.quote(label) + "\\s+([0-9.]+)(us|ms|s)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no " + label + " latency in wrk's output:\n" + out);
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "ms" -> v;
            default -> v * 1000;
        };
    }

    /** The same requests on the engine, from as many concurrent callers as wrk has connections. */
    private static WrkResult direct(LocalModel model, int genTokens, int callers, int seconds) {
        GenerationRequest request = GenerationRequest.builder().user("Say hello to the team.")
                .sampling(SamplingParams.DEFAULT.withTemperature(0.7).withMaxTokens(genTokens)).build();
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        model.generate(request); // the requests wrk left behind have drained once this one is answered
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < callers; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    long t = System.nanoTime();
                    try {
                        model.generate(request);
                    } catch (RuntimeException e) {
                        failures.add(e.toString());
                        continue;
                    }
                    if (running.get()) {
                        latencies.add((System.nanoTime() - t) / 1e6);
                    }
                }
            }));
        }
        try {
            Thread.sleep(Duration.ofSeconds(seconds));
            running.set(false);
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        List<Double> sorted = latencies.stream().sorted().toList();
        if (sorted.isEmpty()) {
            throw new IllegalStateException("no direct generation finished in " + seconds + " s; failures: "
                    + failures.stream().distinct().limit(3).toList());
        }
        return new WrkResult(sorted.size() / (double) seconds, sorted.get(sorted.size() / 2),
                sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.99) - 1)), sorted.size(), failures.size(),
                elapsed > seconds * 1.5 ? "callers took " + elapsed + " s to drain" : "");
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
