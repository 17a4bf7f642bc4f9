package dev.cascade4j.router;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Answers {@link Subtask}s sent to {@link Router#ROUTE_ADDRESS} with their {@link RoutedAnswer}, and
 * {@link #INFO_ADDRESS} with the routes and models. A {@link RouterException} goes back as the reply's
 * body (so the client rethrows the same type, Retry-After included); any other failure as a failed
 * reply with code 500. Pair it with {@link EventBusRouter} on the sending side.
 */
public final class RouterVerticle extends VerticleBase {
    /** Address answering with a {@link Info} (routes and local models). */
    public static final String INFO_ADDRESS = Router.ROUTE_ADDRESS + ".info";

    /**
     * Address taking the id of a subtask whose caller left (a plain string, published: the node that
     * routes it cancels it, the others have nothing under that id).
     */
    public static final String CANCEL_ADDRESS = Router.ROUTE_ADDRESS + ".cancel";

    /** What a router serves, as {@link Router#routes()} and {@link Router#localModels()} give it. */
    public record Info(List<Router.RouteInfo> routes, List<String> localModels) {
    }

    private final Function<Vertx, ? extends Router> factory;
    private final boolean owns;
    private Router router;
    private MessageConsumer<Subtask> routeConsumer;
    private MessageConsumer<Object> infoConsumer;
    private MessageConsumer<Object> cancelConsumer;

    private RouterVerticle(Function<Vertx, ? extends Router> factory, boolean owns) {
        this.factory = factory;
        this.owns = owns;
    }

    /** Serves a router built elsewhere; undeploying does not close it. */
    public static RouterVerticle serving(Router router) {
        Objects.requireNonNull(router, "router");
        return new RouterVerticle(v -> router, false);
    }

    /**
     * Builds its router when deployed (on a worker: loading models blocks) and closes it when
     * undeployed, e.g. {@code RouterVerticle.building(v -> CascadeRouter.builder(v).config(c).build())}.
     */
    public static RouterVerticle building(Function<Vertx, ? extends Router> factory) {
        return new RouterVerticle(Objects.requireNonNull(factory, "factory"), true);
    }

    @Override
    public Future<?> start() {
        RouterCodecs.register(vertx);
        Future<Router> ready = owns ? vertx.executeBlocking(() -> factory.apply(vertx), false) : Future.succeededFuture(factory.apply(vertx));
        return ready.compose(r -> {
            this.router = r;
            routeConsumer = vertx.eventBus().consumer(Router.ROUTE_ADDRESS, this::onSubtask);
            infoConsumer = vertx.eventBus().consumer(INFO_ADDRESS,
                    m -> m.reply(new Info(router.routes(), router.localModels()), RouterCodecs.local()));
            cancelConsumer = vertx.eventBus().consumer(CANCEL_ADDRESS, m -> router.cancel(String.valueOf(m.body())));
            return routeConsumer.completion().compose(v -> infoConsumer.completion()).compose(v -> cancelConsumer.completion());
        });
    }

    private void onSubtask(Message<Subtask> message) {
        Object body = message.body();
        if (!(body instanceof Subtask subtask)) {
            message.fail(400, "expected a Subtask on " + Router.ROUTE_ADDRESS + ", got "
                    + (body == null ? "nothing" : body.getClass().getName()));
            return;
        }
        Future<RoutedAnswer> answer;
        try {
            answer = router.route(subtask);
        } catch (RuntimeException e) {
            answer = Future.failedFuture(e);
        }
        answer.onComplete(ar -> {
            if (ar.succeeded()) {
                message.reply(ar.result());
            } else if (ar.cause() instanceof RouterException e) {
                message.reply(e, RouterCodecs.local());
            } else {
                message.fail(500, "router failed: " + ar.cause());
            }
        });
    }

    @Override
    public Future<?> stop() {
        Future<Void> unregistered = routeConsumer == null ? Future.succeededFuture()
                : routeConsumer.unregister().compose(v -> infoConsumer.unregister()).compose(v -> cancelConsumer.unregister());
        return unregistered.compose(v -> owns && router instanceof AutoCloseable c
                ? vertx.executeBlocking(() -> {
                    c.close();
                    return null;
                }, false)
                : Future.succeededFuture());
    }
}
