package dev.cascade4j.examples;

import dev.cascade4j.agent.log.DataDirectory;
import dev.cascade4j.agent.log.QueryLogVerticle;
import dev.cascade4j.agent.log.Redactor;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./cascade4j serve}: the HTTP server, the router and the query log deployed together in this
 * JVM, until interrupted. Options override the config file's keys.
 */
public final class ServeCommand {

    private ServeCommand() {
    }

    /**
     * The server's configuration: the file's keys, overridden by the options. An explicit host (option or
     * file) is bound as given, with or without an API key; only without one does a key widen the default
     * from 127.0.0.1 to every interface.
     */
    static ServerConfig serverConfig(Map<String, String> o) {
        ServerConfig config = o.containsKey("config") ? ServerConfig.load(Path.of(o.get("config"))) : ServerConfig.defaults();
        if (o.containsKey("port")) {
            config = config.withPort(Cli.intOption(o, "port", ServerConfig.DEFAULT_PORT));
        }
        if (o.containsKey("host")) {
            config = config.withHost(o.get("host"));
        }
        if (o.containsKey("api-key")) {
            config = config.withApiKeys(List.of(o.get("api-key")));
        }
        return config;
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

    static int run(Map<String, String> o) {
        ServerConfig config = serverConfig(o);
        RouterConfig routes = o.containsKey("router-config") ? RouterConfig.load(Path.of(o.get("router-config"))) : RouterConfig.defaults();
        Redactor redactor = Redactor.parse(o.getOrDefault("redact", "all"));

        Vertx vertx = Vertx.vertx();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CascadeRouter router = CascadeRouter.builder(vertx).config(routes).meterRegistry(metrics).build();
        String logTarget = null;
        QueryLogVerticle log = null;
        if (!o.containsKey("no-log")) {
            if (o.containsKey("log-postgres")) {
                log = QueryLogVerticle.postgres(PgConnectOptions.fromUri(o.get("log-postgres")), redactor, metrics);
                logTarget = "PostgreSQL " + o.get("log-postgres").replaceAll("//[^@/]*@", "//");
            } else {
                Path dataDir = o.containsKey("data-dir") ? Path.of(o.get("data-dir")) : DataDirectory.root();
                log = QueryLogVerticle.jsonl(dataDir, redactor, metrics);
                logTarget = DataDirectory.queries(dataDir).toString();
            }
            vertx.deployVerticle(log).await();
        }
        OpenAiServer server = server(vertx, router, metrics, config, log).build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop().await();
            vertx.close().await();
            router.close();
            stopped.countDown();
        }));
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
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
