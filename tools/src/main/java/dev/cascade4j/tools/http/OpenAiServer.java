package dev.cascade4j.tools.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.inference.internal.OptionalDependency;
import dev.cascade4j.router.Router;
import dev.cascade4j.tools.ToolExecutor;
import dev.cascade4j.tools.ToolRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The OpenAI-compatible HTTP surface of cascade4j, on Vert.x Web: chat completions through a
 * {@link Router}, the service's own tools, models, health, readiness and Prometheus metrics. Every
 * handler runs on the event loop and never blocks. Build with {@link #builder()}, then {@link #start()}.
 *
 * <p>With no API key configured the server binds 127.0.0.1 unless a host is set explicitly, so a
 * fresh server is not an open door.
 */
public final class OpenAiServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OpenAiServer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    private final Router router;
    private final ToolExecutor tools;
    private final ServerConfig config;
    private final PrometheusMeterRegistry metrics;
    private final BooleanSupplier ready;
    private final List<Supplier<String>> degradations;
    private final ResponseCache cache;
    private HttpServer server;

    private OpenAiServer(Builder b) {
        this.vertx = Objects.requireNonNull(b.vertx, "vertx");
        this.router = Objects.requireNonNull(b.router, "router");
        this.config = b.config;
        this.metrics = b.metrics;
        this.tools = new ToolExecutor(b.tools, config.toolConcurrency());
        this.ready = b.ready != null ? b.ready : () -> !router.localModels().isEmpty() || !router.routes().isEmpty();
        this.degradations = List.copyOf(b.degradations);
        this.cache = config.cacheEnabled() ? new ResponseCache(config.cacheMaxEntries(), config.cacheTtl(), b.meterRegistry()) : null;
    }

    /** @throws OptionalDependency.Missing when vertx-web or the Prometheus registry, optional dependencies, are not on the classpath */
    public static Builder builder() {
        OptionalDependency.require("the OpenAI-compatible HTTP server", "io.vertx.ext.web.Router", "io.vertx", "vertx-web");
        OptionalDependency.require("the OpenAI-compatible HTTP server (its /metrics)", "io.micrometer.prometheusmetrics.PrometheusMeterRegistry",
                "io.micrometer", "micrometer-registry-prometheus");
        return new Builder();
    }

    /** Binds and serves; completes with the server once it listens (port 0 picks a free one, see {@link #port()}). */
    public Future<HttpServer> start() {
        if (config.apiKeys().isEmpty() && config.host() != null && !config.host().startsWith("127.") && !config.host().equals("localhost")) {
            LOG.log(System.Logger.Level.WARNING, "serving on " + config.host() + " without an API key: anyone who can reach it may use it");
        }
        ErrorResponder errors = new ErrorResponder(config.bodyLimitBytes());
        io.vertx.ext.web.Router web = io.vertx.ext.web.Router.router(vertx);
        ToolsHandler toolsHandler = new ToolsHandler(tools);
        ChatCompletionsHandler chat = new ChatCompletionsHandler(router, config, cache, errors);
        SlowClientGuard slowClients = new SlowClientGuard(vertx, config.readTimeout(), config.idleTimeout());
        web.route().handler(slowClients::onRequest);

        if (!config.apiKeys().isEmpty()) {
            ApiKeyHandler keys = new ApiKeyHandler(config.apiKeys());
            web.route("/v1/*").handler(keys);
            web.route("/metrics").handler(keys);
        }
        BodyHandler body = BodyHandler.create(false).setBodyLimit(config.bodyLimitBytes());
        web.post("/v1/chat/completions").handler(body).handler(chat);
        web.get("/v1/models").handler(ctx -> ToolsHandler.json(ctx, 200, models()));
        web.get("/v1/tools").handler(toolsHandler::list);
        web.post("/v1/feedback").handler(body).handler(FeedbackHandler::handle);
        web.post("/v1/tools/:name/invoke").handler(body).handler(toolsHandler::invoke);
        web.get("/health").handler(ctx -> ToolsHandler.json(ctx, 200, JSON.createObjectNode().put("status", "up")));
        web.get("/ready").handler(ctx -> {
            boolean ok = ready.getAsBoolean();
            String degraded = ok ? degradation() : null;
            ObjectNode status = JSON.createObjectNode().put("status", !ok ? "loading" : degraded != null ? "degraded" : "ready");
            if (degraded != null) {
                status.put("reason", degraded);
            }
            // degraded still answers requests (200), so a probe does not take a working server out of service
            ToolsHandler.json(ctx, ok ? 200 : 503, status);
        });
        web.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
        web.route().failureHandler(errors::handle);
        for (int status : new int[] {400, 404, 405, 413}) {
            web.errorHandler(status, errors::handle);
        }

        // HTTP/1.1 only: with h2c on, Vert.x reports a connection only once its first headers are complete,
        // and a client stalling in them could not be timed out (see SlowClientGuard)
        HttpServerOptions options = new HttpServerOptions().setHost(config.bindHost()).setPort(config.port())
                .setHttp2ClearTextEnabled(false);
        return vertx.createHttpServer(options).connectionHandler(slowClients::onConnection).requestHandler(web)
                .invalidRequestHandler(OpenAiServer::invalidRequest)
                // What reaches here is a connection's trouble (a reset, a malformed body): the client's, not ours.
                .exceptionHandler(e -> LOG.log(System.Logger.Level.DEBUG, "connection failed: " + e))
                .listen().onSuccess(s -> {
            server = s;
            LOG.log(System.Logger.Level.INFO, "cascade4j serving on http://" + config.bindHost() + ":" + s.actualPort()
                    + (ListeningAddresses.isWildcard(config.bindHost()) ? " (every interface, IPv4 and IPv6)" : "")
                    + (config.apiKeys().isEmpty() ? " (no API key)" : " (API key required)"));
        });
    }

    private String degradation() {
        List<String> reasons = new ArrayList<>();
        for (Supplier<String> check : degradations) {
            try {
                String reason = check.get();
                if (reason != null) {
                    reasons.add(reason);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a readiness check failed", e);
                reasons.add("a readiness check failed; see the server log");
            }
        }
        return reasons.isEmpty() ? null : String.join("; ", reasons);
    }

    /** A request Vert.x could not decode: the same statuses as its default, with an OpenAI-shaped body. */
    private static void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        LOG.log(System.Logger.Level.DEBUG, "undecodable request: " + cause);
        ApiError error = switch (cause) {
            case TooLongHttpLineException line -> new ApiError(414, "invalid_request_error", null, "uri_too_long",
                    "the request line is longer than this server accepts; shorten the URL", null);
            case TooLongHttpHeaderException headers -> new ApiError(431, "invalid_request_error", null, "headers_too_large",
                    "the request headers are larger than this server accepts; send fewer or shorter headers", null);
            case null, default -> ApiError.invalid(null, "invalid_http", "the request is not valid HTTP/1.1; check the request line and headers");
        };
        ErrorResponder.send(request.response().putHeader("Connection", "close"), error);
        request.connection().close();
    }

    public int port() {
        return server == null ? -1 : server.actualPort();
    }

    /**
     * Every URL the server answers at: the bound host, or for a wildcard host (the default with an API
     * key and no host) each address of each interface that is up. Reads the interfaces: not on an event loop.
     */
    public List<String> listeningOn() {
        return server == null ? List.of() : ListeningAddresses.urls(config.bindHost(), server.actualPort());
    }

    /** Whether the server binds every interface rather than one address. */
    public boolean bindsEveryInterface() {
        return ListeningAddresses.isWildcard(config.bindHost());
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    private ObjectNode models() {
        ObjectNode body = JSON.createObjectNode().put("object", "list");
        ArrayNode data = body.putArray("data");
        data.add(model("auto", "auto", "let the router choose a route, and escalate when unsure", null));
        router.routes().forEach(r -> data.add(model(r.name(), "route", r.description(), r.model())));
        router.localModels().forEach(m -> data.add(model(m, "local_model", "served directly, without routing or escalation", m)));
        return body;
    }

    private static ObjectNode model(String id, String kind, String description, String servedBy) {
        ObjectNode m = JSON.createObjectNode().put("id", id).put("object", "model").put("created", 0).put("owned_by", "cascade4j");
        m.putObject("cascade4j").put("kind", kind).put("description", description).put("model", servedBy);
        return m;
    }

    /** Stops listening; requests in flight are cut. */
    public Future<Void> stop() {
        tools.close();
        return server == null ? Future.succeededFuture() : server.close();
    }

    @Override
    public void close() {
        stop().await();
    }

    public static final class Builder {
        private Vertx vertx;
        private Router router;
        private ToolRegistry tools = ToolRegistry.empty();
        private ServerConfig config = ServerConfig.defaults();
        private PrometheusMeterRegistry metrics;
        private BooleanSupplier ready;
        private final List<Supplier<String>> degradations = new ArrayList<>();

        private Builder() {
        }

        public Builder vertx(Vertx vertx) {
            this.vertx = vertx;
            return this;
        }

        /** Answers chat completions; required. */
        public Builder router(Router router) {
            this.router = router;
            return this;
        }

        /** The service's own tools, listed at /v1/tools and invoked at /v1/tools/{name}/invoke. */
        public Builder tools(ToolRegistry tools) {
            this.tools = Objects.requireNonNull(tools, "tools");
            return this;
        }

        public Builder config(ServerConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Where /metrics reads from, shared with the router's meters; a fresh registry when unset. */
        public Builder metrics(PrometheusMeterRegistry metrics) {
            this.metrics = metrics;
            return this;
        }

        /** What /ready reports; by default, whether the router has any model or route. */
        public Builder ready(BooleanSupplier ready) {
            this.ready = ready;
            return this;
        }

        /**
         * A part that can fail without stopping the service (the query log, say): while {@code reason}
         * returns a non-null text, /ready answers {@code {"status":"degraded","reason":...}} with 200. Called
         * on the event loop at each probe, so it must only read state. May be called more than once.
         */
        public Builder degradedWhen(Supplier<String> reason) {
            this.degradations.add(Objects.requireNonNull(reason, "reason"));
            return this;
        }

        public OpenAiServer build() {
            if (metrics == null) {
                metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            }
            return new OpenAiServer(this);
        }

        // The registry as a MeterRegistry, converted here: where OpenAiServer itself did it, checking that
        // conversion would load the Prometheus classes with OpenAiServer, before builder() can say they are missing.
        private MeterRegistry meterRegistry() {
            return metrics;
        }
    }
}
