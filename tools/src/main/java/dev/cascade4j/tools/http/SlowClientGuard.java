package dev.cascade4j.tools.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Closes connections whose client is slow to send, so that a slow or stalled client cannot hold a
 * connection and its file descriptor for ever. A timer runs only while the server waits for the
 * client's bytes, never while it works on a request:
 *
 * <ul>
 *   <li>a new connection has {@code read-timeout} to deliver its first request's headers;</li>
 *   <li>a request whose headers are in has {@code read-timeout} to deliver its body (a 408, then the
 *       connection is closed);</li>
 *   <li>once every request on it is answered, a connection has {@code idle-timeout} to start the next.</li>
 * </ul>
 *
 * <p>The server must speak HTTP/1.1 only (no h2c): Vert.x calls the connection handler of an h2c-capable
 * server only once a request's headers are complete, which is too late to time them.
 *
 * <p>Between the last byte of a request and the end of its response nothing is timed here: a request
 * waiting on the model writes nothing for as long as the generation takes (up to the request deadline),
 * and a time-out on silence in both directions, as Vert.x's own idle timeout is, would cut it.
 */
final class SlowClientGuard {
    private final Vertx vertx;
    private final long readMillis;
    private final long idleMillis;
    // Keyed weakly: the map never outlives a connection, and needs no close handler of its own.
    private final Map<HttpConnection, State> states = Collections.synchronizedMap(new WeakHashMap<>());

    /** Touched only on the connection's event loop. Holds no reference to its connection (the map's key). */
    private static final class State {
        long timer = -1;
        int inFlight;
    }

    SlowClientGuard(Vertx vertx, Duration read, Duration idle) {
        this.vertx = vertx;
        this.readMillis = Math.max(1, read.toMillis());
        this.idleMillis = Math.max(1, idle.toMillis());
    }

    /** The server's connection handler: the first request's headers are due within the read timeout. */
    void onConnection(HttpConnection connection) {
        State s = new State();
        states.put(connection, s);
        waitForRequest(connection, s, readMillis);
    }

    /** The first handler of every request: its headers are in; now its body is due. */
    void onRequest(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        HttpConnection connection = request.connection();
        State s = connection == null ? null : states.get(connection);
        if (s != null) {
            cancel(s);
            s.inFlight++;
            if (!request.isEnded()) {
                long timer = vertx.setTimer(readMillis, id -> {
                    if (!request.isEnded()) {
                        tooSlow(ctx, connection);
                    }
                });
                request.end().onComplete(ar -> vertx.cancelTimer(timer));
            }
            ctx.addEndHandler(ar -> {
                s.inFlight--;
                if (s.inFlight == 0) {
                    waitForRequest(connection, s, idleMillis);
                }
            });
        }
        ctx.next();
    }

    private void waitForRequest(HttpConnection connection, State s, long millis) {
        cancel(s);
        s.timer = vertx.setTimer(millis, id -> {
            s.timer = -1;
            if (s.inFlight == 0) {
                connection.close();
            }
        });
    }

    private void cancel(State s) {
        if (s.timer >= 0) {
            vertx.cancelTimer(s.timer);
            s.timer = -1;
        }
    }

    private static String readable(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private void tooSlow(RoutingContext ctx, HttpConnection connection) {
        var response = ctx.response();
        if (response.headWritten() || response.closed()) {
            connection.close();
            return;
        }
        ApiError error = new ApiError(408, "invalid_request_error", null, "request_timeout",
                "the request body did not arrive within " + readable(readMillis)
                        + " (read-timeout) of its headers; send the whole body without pausing", null);
        // the rest of the body is not coming: nothing more can be read on this connection
        response.setStatusCode(408).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
                .end(ErrorResponder.json(error)).onComplete(ar -> connection.close());
    }
}
