package dev.cascade4j.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./cascade4j bench cluster}: what a hop across the clustered event bus adds to a request, and
 * what a second model node adds to throughput. Every node is a {@code serve} JVM on loopback, each
 * model pinned to one thread so that two model nodes fit on two cores:
 * <ol>
 *   <li>latency, one caller: the whole cascade in one JVM, and an HTTP/router node with one model node,
 *       both running, called in turn (each prompt is new to the setup it goes to);</li>
 *   <li>throughput, concurrent callers: one model node, then two, then one with both threads (the same
 *       cores given to one node: what a second JVM on the same machine adds).</li>
 * </ol>
 */
@Command(name = "cluster", description = {"A hop across the clustered event bus against an in-process call, and requests/s with one "
        + "and two model nodes (serve JVMs on loopback, one model thread per node)."})
public final class ClusterBenchmark implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--model", paramLabel = "REF", description = "the model every node serves (default ${DEFAULT-VALUE})")
    String model = "qwen2.5-coder-0.5b";
    @Option(names = "--tokens", paramLabel = "N", description = "answer length of each request (default ${DEFAULT-VALUE})")
    int tokens = 16;
    @Option(names = "--latency-requests", paramLabel = "N", description = "requests of the latency phases (default ${DEFAULT-VALUE})")
    int latencyRequests = 30;
    @Option(names = "--callers", paramLabel = "N", description = "concurrent callers of the throughput phases (default ${DEFAULT-VALUE})")
    int callers = 4;
    @Option(names = "--requests", paramLabel = "N", description = "requests of each throughput phase (default ${DEFAULT-VALUE})")
    int requests = 60;

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger prompts = new AtomicInteger();
    private Path dir;

    /** Figures of one phase: latency percentiles in milliseconds, and requests per second. */
    record Phase(String name, double p50, double p90, double perSecond, int requests) {
        String row() {
            return String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.2f |", name, requests, p50, p90, perSecond);
        }
    }

    @Override
    public Integer call() throws Exception {
        dir = Files.createTempDirectory("cascade4j-bench-cluster");
        Files.writeString(dir.resolve("router.yaml"), """
                defaultModel: %s
                localModels:
                  - ref: %s
                    name: slm
                    parallelSequences: 2
                    contextPerSequence: 1024
                routes:
                  - name: chat
                    model: %s
                    minGenerationConfidence: 0
                    examples: [Say hello.]
                """.formatted(model, model, model));
        Files.writeString(dir.resolve("server.yaml"), "cache:\n  enabled: false\n");
        List<Phase> phases = new ArrayList<>();
        // the two latency setups run side by side, called in turn, so that both meet the same machine
        try (Setup inProcess = start(0); Setup overBus = start(1)) {
            phases.addAll(interleaved(List.of("in-process (one JVM, all roles)", "across the event bus (HTTP/router node + 1 model node)"),
                    List.of(inProcess, overBus)));
        }
        try (Setup one = start(1)) {
            phases.add(run("1 model node, " + callers + " callers", one.port(), callers, requests));
        }
        try (Setup two = start(2)) {
            phases.add(run("2 model nodes, " + callers + " callers", two.port(), callers, requests));
        }
        // the same two cores given to one node instead: what scaling out adds on one machine
        try (Setup wide = start(1, 2)) {
            phases.add(run("1 model node with 2 threads, " + callers + " callers", wide.port(), callers, requests));
        }
        System.out.printf(Locale.ROOT, "%nmodel %s, %d tokens per answer, one model thread per node unless said%n", model, tokens);
        System.out.println("| setup | requests | p50 ms | p90 ms | requests/s |");
        System.out.println("|---|---|---|---|---|");
        phases.forEach(p -> System.out.println(p.row()));
        System.out.printf(Locale.ROOT, "hop across the event bus: %+.1f ms at p50 (%+.1f%% of the in-process request)%n",
                phases.get(1).p50() - phases.get(0).p50(), 100 * (phases.get(1).p50() - phases.get(0).p50()) / phases.get(0).p50());
        System.out.printf(Locale.ROOT, "second model node: %.2fx the requests/s of one; one node with both threads: %.2fx%n",
                phases.get(3).perSecond() / phases.get(2).perSecond(), phases.get(4).perSecond() / phases.get(2).perSecond());
        return 0;
    }

    /** The nodes of one setup, stopped on close. */
    private record Setup(int port, List<ServeProcess> nodes) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            for (ServeProcess n : nodes) {
                n.stop();
            }
        }
    }

    private Setup start(int modelNodes) throws Exception {
        return start(modelNodes, 1);
    }

    /** Starts one setup ({@code modelNodes} 0: a single JVM, no cluster), {@code threads} per model, and warms it. */
    private Setup start(int modelNodes, int threads) throws Exception {
        int port = freePort();
        Setup setup = new Setup(port, new ArrayList<>());
        List<String> common = List.of("--router-config", dir.resolve("router.yaml").toString(), "--threads", Integer.toString(threads));
        List<String> http = List.of("--port", Integer.toString(port), "--config", dir.resolve("server.yaml").toString(), "--no-log");
        try {
            if (modelNodes == 0) {
                setup.nodes().add(node("all-" + port, common, http));
            } else {
                int[] hz = new int[modelNodes + 1];
                for (int i = 0; i < hz.length; i++) {
                    hz[i] = freePort();
                }
                String members = String.join(",", Arrays.stream(hz).mapToObj(p -> "127.0.0.1:" + p).toList());
                for (int i = 1; i <= modelNodes; i++) {
                    setup.nodes().add(node("model-" + i + "-" + port, common, cluster(hz[i], members, "model-" + i, "--roles", "model")));
                }
                List<String> front = new ArrayList<>(List.of("--roles", "http,router,log"));
                front.addAll(http);
                setup.nodes().add(node("http-" + port, common, cluster(hz[0], members, "http", front.toArray(String[]::new))));
            }
            System.err.println("starting " + setup.nodes().size() + " JVM(s)");
            for (ServeProcess n : setup.nodes()) {
                n.awaitLine(n == setup.nodes().getLast() ? "serving routes" : "serving models", Duration.ofMinutes(5));
            }
            for (int i = 0; i < 2 * Math.max(1, modelNodes); i++) {
                ask(port); // every node's first calls pay for its prompt cache and JIT
            }
            return setup;
        } catch (Exception e) {
            setup.close();
            throw e;
        }
    }

    /** One caller, sending each request to every setup in turn. */
    private List<Phase> interleaved(List<String> names, List<Setup> setups) throws Exception {
        List<List<Double>> millis = new ArrayList<>();
        setups.forEach(s -> millis.add(new ArrayList<>()));
        for (int i = 0; i < latencyRequests; i++) {
            for (int k = 0; k < setups.size(); k++) {
                int prompt = prompts.incrementAndGet();
                long t = System.nanoTime();
                ask(setups.get(k).port(), prompt);
                millis.get(k).add((System.nanoTime() - t) / 1e6);
            }
        }
        List<Phase> out = new ArrayList<>();
        for (int k = 0; k < setups.size(); k++) {
            double[] sorted = millis.get(k).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double seconds = millis.get(k).stream().mapToDouble(Double::doubleValue).sum() / 1000;
            out.add(new Phase(names.get(k), percentile(sorted, 0.5), percentile(sorted, 0.9), latencyRequests / seconds, latencyRequests));
        }
        return out;
    }

    private Phase run(String name, int port, int concurrency, int count) throws Exception {
        AtomicInteger left = new AtomicInteger(count);
        List<Double> millis = java.util.Collections.synchronizedList(new ArrayList<>());
        long began = System.nanoTime();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                running.add(callers.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        long t = System.nanoTime();
                        ask(port);
                        millis.add((System.nanoTime() - t) / 1e6);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Phase(name, percentile(sorted, 0.5), percentile(sorted, 0.9), count / seconds, count);
    }

    private void ask(int port) throws IOException, InterruptedException {
        ask(port, prompts.incrementAndGet());
    }

    private void ask(int port, int prompt) throws IOException, InterruptedException {
        String body = JSON.createObjectNode().put("model", "chat").put("max_tokens", tokens).put("temperature", 0)
                .set("messages", JSON.createArrayNode().add(JSON.createObjectNode().put("role", "user")
                        .put("content", "Write a short greeting for guest number " + prompt + ".")))
                .toString();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("the cluster answered " + r.statusCode() + ": " + r.body());
        }
    }

    private ServeProcess node(String name, List<String> common, List<String> args) throws IOException {
        List<String> all = new ArrayList<>(common);
        all.addAll(args);
        return new ServeProcess(name, dir, all).start();
    }

    private static List<String> cluster(int port, String members, String name, String... rest) {
        List<String> out = new ArrayList<>(List.of("--cluster", "--cluster-port", Integer.toString(port), "--cluster-members", members,
                "--node-name", name));
        out.addAll(List.of(rest));
        return out;
    }

    private static double percentile(double[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
