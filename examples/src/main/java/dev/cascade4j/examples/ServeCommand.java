package dev.cascade4j.examples;

import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.source.ModelStore;
import dev.cascade4j.router.Router;
import dev.cascade4j.tools.ToolRegistry;
import dev.cascade4j.tools.http.OpenAiServer;
import dev.cascade4j.tools.http.ServerConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./cascade4j serve [--port 8080] [--host H] [--config FILE] [--api-key K] [--model REF]}: the
 * OpenAI-compatible server in this JVM, until interrupted. Options override the config file's keys.
 */
public final class ServeCommand {

    private ServeCommand() {
    }

    static int run(Map<String, String> o) {
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
        Path gguf = ModelStore.defaultStore().resolve(o.getOrDefault("model", ModelStore.DEFAULT_MODEL));
        LocalModel model = LocalModel.load(gguf, LocalModelOptions.defaults()
                .withParallelSequences(Cli.intOption(o, "parallel", 4)).withContextPerSequence(Cli.intOption(o, "context", 4096)));
        Vertx vertx = Vertx.vertx();
        OpenAiServer server = OpenAiServer.builder()
                .vertx(vertx)
                .router(router(model))
                .tools(ToolRegistry.empty())
                .metrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .config(config)
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop().await();
            vertx.close().await();
            model.close();
            stopped.countDown();
        }));
        try {
            server.start().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + config.bindHost() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        System.err.printf("serving %s at http://%s:%d/v1 (%s); Ctrl-C stops%n", model.info().name(), config.bindHost(), server.port(),
                config.apiKeys().isEmpty() ? "no API key, local only unless --host is given" : "API key required");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The router behind the server: one local model served directly. Swap in the cascade router here. */
    public static Router router(LocalModel model) {
        return new SingleModelRouter(model);
    }
}
