package dev.cascade4j.tools.http;

import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.Router;
import dev.cascade4j.router.SingleModelRouter;
import dev.cascade4j.router.Subtask;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real local model behind the server, on the node {@link #NODE}, recording every generation it
 * starts so tests can watch them end.
 */
final class LocalModelRouter implements Router {
    static final String NODE = "http-test-node";
    final BlockingQueue<CompletableFuture<GenerationResult>> started = new LinkedBlockingQueue<>();
    final AtomicInteger submitted = new AtomicInteger();
    private final SingleModelRouter router;

    LocalModelRouter(LocalModel model) {
        this.router = new SingleModelRouter(model, NODE, generation -> {
            submitted.incrementAndGet();
            started.add(generation.result());
        });
    }

    @Override
    public Future<RoutedAnswer> route(Subtask subtask) {
        return router.route(subtask);
    }

    @Override
    public List<RouteInfo> routes() {
        return router.routes();
    }

    @Override
    public List<String> localModels() {
        return router.localModels();
    }
}
