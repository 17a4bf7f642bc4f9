package dev.cascade4j.router;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A {@link Router} that sends each subtask to a {@link RouterVerticle} over the event bus and hands
 * back its answer, decision included. Failures come back as the same {@link RouterException} types
 * the router raised; a missing verticle or a lost reply is a {@link RouterException} that says so.
 * Create one with {@link #connect(Vertx)}, which asks the verticle for its routes and models.
 */
public final class EventBusRouter implements Router {
    /** Extra wait beyond a subtask's deadline for escalation and the trip over the bus. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(120);

    private final Vertx vertx;
    private final RouterVerticle.Info info;
    private final Duration grace;

    private EventBusRouter(Vertx vertx, RouterVerticle.Info info, Duration grace) {
        this.vertx = vertx;
        this.info = info;
        this.grace = grace;
    }

    public static Future<EventBusRouter> connect(Vertx vertx) {
        return connect(vertx, DEFAULT_GRACE);
    }

    /** {@code grace}: how long past a subtask's deadline to wait for the reply (the large model may be slow). */
    public static Future<EventBusRouter> connect(Vertx vertx, Duration grace) {
        Objects.requireNonNull(vertx, "vertx");
        RouterCodecs.register(vertx);
        return vertx.eventBus().request(RouterVerticle.INFO_ADDRESS, "info", new DeliveryOptions().setSendTimeout(10_000))
                .recover(e -> Future.failedFuture(translate(e)))
                .map(reply -> new EventBusRouter(vertx, (RouterVerticle.Info) reply.body(), grace));
    }

    @Override
    public Future<RoutedAnswer> route(Subtask subtask) {
        Objects.requireNonNull(subtask, "subtask");
        long wait = Math.max(1, Duration.between(Instant.now(), subtask.expiresAt()).plus(grace).toMillis());
        return vertx.eventBus().request(ROUTE_ADDRESS, subtask, new DeliveryOptions().setSendTimeout(wait))
                .recover(e -> Future.failedFuture(translate(e)))
                .compose(reply -> switch (reply.body()) {
                    case RoutedAnswer answer -> Future.succeededFuture(answer);
                    case RouterException e -> Future.failedFuture(e);
                    case null, default -> Future.failedFuture(new RouterException("unexpected reply on " + ROUTE_ADDRESS + ": " + reply.body()));
                });
    }

    /** Tells the router verticles to cancel the subtask; the one routing it does (see {@link Router#cancel}). */
    @Override
    public void cancel(String subtaskId) {
        vertx.eventBus().publish(RouterVerticle.CANCEL_ADDRESS, subtaskId);
    }

    private static Throwable translate(Throwable e) {
        if (!(e instanceof ReplyException r)) {
            return e;
        }
        return switch (r.failureType()) {
            case NO_HANDLERS -> new RouterException("no router is listening on the event bus (" + ROUTE_ADDRESS
                    + "); deploy a RouterVerticle on this Vert.x instance or cluster", r);
            case TIMEOUT -> new RouterException.DeadlineExceeded("no answer from the router in time: " + r.getMessage(), r);
            case RECIPIENT_FAILURE -> r.failureCode() == 400 ? new RouterException.InvalidRequest(r.getMessage(), r)
                    : new RouterException("the router failed: " + r.getMessage(), r);
            default -> new RouterException("event bus error: " + r.getMessage(), r);
        };
    }

    @Override
    public List<RouteInfo> routes() {
        return info.routes();
    }

    @Override
    public List<String> localModels() {
        return info.localModels();
    }
}
