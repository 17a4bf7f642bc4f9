package dev.cascade4j.cli;

import dev.cascade4j.agent.log.DataDirectory;
import dev.cascade4j.agent.log.QueryLogVerticle;
import dev.cascade4j.agent.log.Redactor;
import dev.cascade4j.agent.log.RoutedAnswerForwarder;
import dev.cascade4j.inference.source.ModelStore;
import dev.cascade4j.router.cluster.ModelVerticle;
import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.router.Router;
import dev.cascade4j.router.config.RouterConfig;
import dev.cascade4j.tools.ToolRegistry;
import dev.cascade4j.tools.http.OpenAiServer;
import dev.cascade4j.tools.http.ServerConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./cascade4j serve}: the HTTP server, the router and the query log deployed together in this
 * JVM, until interrupted. Options override the config file's keys.
 */
@Command(name = "serve", description = {"OpenAI-compatible HTTP server with the router and the query log.",
        "Endpoints: /v1/chat/completions, /v1/models, /v1/tools, /v1/feedback, /health, /ready, /metrics (docs/server.md). "
                + "Options override the --config file's keys."})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "N", description = "TCP port; 0 picks a free one (default " + ServerConfig.DEFAULT_PORT + ")")
    Integer port;
    @Option(names = "--host", paramLabel = "H", description = "interface to bind (default 127.0.0.1 without an API key, every interface with one)")
    String host;
    @Option(names = "--config", paramLabel = "FILE", description = "server configuration, YAML or JSON (docs/server.md)")
    Path config;
    @Option(names = "--api-key", paramLabel = "K", description = "the Bearer key clients must send")
    String apiKey;
    @Option(names = "--router-config", paramLabel = "FILE", description = "routes and models, YAML or JSON (docs/router-config.md; default: the embedded cascade)")
    Path routerConfig;
    @ArgGroup(exclusive = true)
    LogTarget queryLog;
    @Option(names = "--redact", paramLabel = "all|none|email,phone,card,secret", description = "what the query log masks (default ${DEFAULT-VALUE})")
    String redact = "all";
    private String logTarget;
    /** Calls a model node decodes and starts at once, past which it refuses more as overloaded. */
    private static final int MODEL_CALLS_PENDING = 64;

    @Option(names = "--cluster", description = "join a cluster of cascade4j nodes on Vert.x's clustered event bus (Hazelcast, TCP-IP discovery)")
    boolean cluster;
    @Option(names = "--cluster-host", paramLabel = "H", description = "the address this node binds and advertises to the cluster (default ${DEFAULT-VALUE})")
    String clusterHost = "127.0.0.1";
    @Option(names = "--cluster-port", paramLabel = "P", description = "this node's Hazelcast member port (default ${DEFAULT-VALUE})")
    int clusterPort = ClusterNode.DEFAULT_PORT;
    @Option(names = "--bus-port", paramLabel = "P", description = "this node's event-bus port (default: a free one)")
    int busPort;
    @Option(names = "--cluster-members", paramLabel = "HOST:PORT", split = ",", description = "other members to join (their --cluster-host:--cluster-port)")
    List<String> members = List.of();
    @Option(names = "--roles", paramLabel = "ROLE", split = ",", description = "what this node runs: http, router, model, log (default: all; http and router go together)")
    List<String> roles = List.of();
    @Option(names = "--models", paramLabel = "NAME", split = ",", description = "on a model node, the models it loads and serves, by name or reference (default: all the router configuration's)")
    List<String> models = List.of();
    @Option(names = "--node-name", paramLabel = "NAME", description = "this node's name in x-cascade4j-node and the query log (default: the host name)")
    String nodeName;
    @Option(names = "--threads", paramLabel = "N", description = "threads per model on this node (default: the configuration's, else the machine's cores)")
    Integer threads;

    /** Where the query log goes: one of these, or the default data folder. */
    static final class LogTarget {
        @Option(names = "--data-dir", paramLabel = "DIR", description = "the query log in DIR/queries")
        Path dataDir;
        @Option(names = "--log-postgres", paramLabel = "URL", description = "the query log in PostgreSQL (postgresql://user:password@host:5432/db)")
        String postgres;
        @Option(names = "--no-log", description = "no query log")
        boolean off;
    }

    /**
     * The server's configuration: the file's keys, overridden by the options. An explicit host (option or
     * file) is bound as given, with or without an API key; only without one does a key widen the default
     * from 127.0.0.1 to every interface.
     */
    ServerConfig serverConfig() {
        ServerConfig c = config != null ? ServerConfig.load(config) : ServerConfig.defaults();
        if (port != null) {
            c = c.withPort(port);
        }
        if (host != null) {
            c = c.withHost(host);
        }
        if (apiKey != null) {
            c = c.withApiKeys(List.of(apiKey));
        }
        return c;
    }

    /**
     * The server as serve runs it: one registry for the router's, the server's and the log's meters, and
     * the log's failures in /ready as well as in the server log. {@code log} is null without a query log.
     */
    static OpenAiServer.Builder server(Vertx vertx, Router router, PrometheusMeterRegistry metrics, ServerConfig config, QueryLogVerticle log) {
        OpenAiServer.Builder builder = OpenAiServer.builder()
                .vertx(vertx)
                .router(router)
                .tools(ToolRegistry.empty())
                .metrics(metrics)
                .config(config);
        if (log != null) {
            builder.degradedWhen(log::problem);
        }
        return builder;
    }

    @Override
    public Integer call() {
        Roles what = Roles.parse(roles, cluster);
        ServerConfig config = serverConfig();
        RouterConfig routes = routerConfig != null ? RouterConfig.load(routerConfig) : RouterConfig.defaults();
        if (threads != null) {
            routes = ModelPlacement.withThreads(routes, threads);
        }
        String node = nodeName != null ? nodeName : Roles.hostName();
        // Models load before the node joins: a member that is up can take calls, and its member port
        // (the compose health check) opens only then.
        ModelPlacement placement = what.model() && cluster ? ModelPlacement.load(routes, models, ModelStore.defaultStore())
                : ModelPlacement.none(routes);
        ClusterNode clustered = cluster ? ClusterNode.join(clusterHost, clusterPort, busPort, members) : null;
        Vertx vertx = clustered != null ? clustered.vertx() : Vertx.vertx();
        List<Runnable> onStop = new ArrayList<>();
        onStop.add(placement::close);
        for (var held : placement.held().entrySet()) {
            vertx.deployVerticle(new ModelVerticle(held.getKey(), held.getValue(), node, clustered.nodeId(), MODEL_CALLS_PENDING)).await();
        }
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        QueryLogVerticle log = what.log() ? deployLog(vertx, metrics) : null;
        if (what.router() && !what.log()) {
            vertx.deployVerticle(new RoutedAnswerForwarder()).await(); // decisions cross to the node that logs
        }
        OpenAiServer server = null;
        if (what.router()) {
            CascadeRouter.Builder builder = CascadeRouter.builder(vertx).config(routes).meterRegistry(metrics).nodeName(node);
            ClusterReadiness reach = cluster ? ClusterReadiness.watch(vertx, placement.supply(builder, vertx, clustered.departures())) : null;
            CascadeRouter router = builder.build();
            onStop.addFirst(router::close);
            server = start(vertx, router, metrics, config, log, reach);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        OpenAiServer http = server;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (http != null) {
                http.stop().await();
            }
            vertx.close().await();
            onStop.forEach(Runnable::run);
            stopped.countDown();
        }));
        if (!what.router()) {
            System.err.printf("node %s serving models %s to the cluster at %s:%d%s; Ctrl-C stops%n", node, placement.held().keySet(),
                    clusterHost, clusterPort, what.log() ? ", and the query log (" + logTarget + ")" : "");
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private QueryLogVerticle deployLog(Vertx vertx, PrometheusMeterRegistry metrics) {
        QueryLogVerticle log;
        Redactor redactor = Redactor.parse(redact);
        if (queryLog != null && queryLog.off) {
            return null;
        }
        if (queryLog != null && queryLog.postgres != null) {
            log = QueryLogVerticle.postgres(PgConnectOptions.fromUri(queryLog.postgres), redactor, metrics);
            logTarget = "PostgreSQL " + queryLog.postgres.replaceAll("//[^@/]*@", "//");
        } else {
            Path dataDir = queryLog != null && queryLog.dataDir != null ? queryLog.dataDir : DataDirectory.root();
            log = QueryLogVerticle.jsonl(dataDir, redactor, metrics);
            logTarget = DataDirectory.queries(dataDir).toString();
        }
        vertx.deployVerticle(log).await();
        return log;
    }

    private OpenAiServer start(Vertx vertx, CascadeRouter router, PrometheusMeterRegistry metrics, ServerConfig config, QueryLogVerticle log,
                               ClusterReadiness reach) {
        OpenAiServer.Builder builder = server(vertx, router, metrics, config, log);
        if (reach != null) {
            builder.degradedWhen(reach::problem);
        }
        OpenAiServer server = builder.build();
        try {
            server.start().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + config.bindHost() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        System.err.printf("serving routes %s at http://%s:%d/v1 (%s); query log: %s; Ctrl-C stops%n",
                router.routes().stream().map(r -> r.name()).toList(), config.bindHost(), server.port(),
                config.apiKeys().isEmpty() ? "no API key, local only unless --host is given" : "API key required",
                logTarget == null ? "off" : logTarget);
        if (server.bindsEveryInterface()) {
            System.err.printf("listening on every interface (%s:%d, IPv4 and IPv6%s):%n", config.bindHost(), server.port(),
                    config.host() == null ? ", because an API key is set and --host is not" : "");
            server.listeningOn().forEach(url -> System.err.println("  listening on " + url));
        } else {
            server.listeningOn().forEach(url -> System.err.println("listening on " + url));
        }
        return server;
    }
}
