package dev.cascade4j.cli;

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
        ServerConfig config = serverConfig();
        RouterConfig routes = routerConfig != null ? RouterConfig.load(routerConfig) : RouterConfig.defaults();
        Redactor redactor = Redactor.parse(redact);

        Vertx vertx = Vertx.vertx();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CascadeRouter router = CascadeRouter.builder(vertx).config(routes).meterRegistry(metrics).build();
        String logTarget = null;
        QueryLogVerticle log = null;
        if (queryLog == null || !queryLog.off) {
            if (queryLog != null && queryLog.postgres != null) {
                log = QueryLogVerticle.postgres(PgConnectOptions.fromUri(queryLog.postgres), redactor, metrics);
                logTarget = "PostgreSQL " + queryLog.postgres.replaceAll("//[^@/]*@", "//");
            } else {
                Path dataDir = queryLog != null && queryLog.dataDir != null ? queryLog.dataDir : DataDirectory.root();
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
