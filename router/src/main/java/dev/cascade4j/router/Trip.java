package dev.cascade4j.router;

import io.vertx.core.Context;

/**
 * One subtask on its way through the router: the context its steps run on, its cancellation, and
 * the time its model calls took (the rest is the router's own time).
 */
final class Trip {
    final Subtask subtask;
    final Context ctx;
    final Cancellations.Call call;
    final long startNanos = System.nanoTime();
    private long modelNanos; // written on ctx only

    Trip(Subtask subtask, Context ctx, Cancellations.Call call) {
        this.subtask = subtask;
        this.ctx = ctx;
        this.call = call;
    }

    void modelTime(long nanos) {
        modelNanos += nanos;
    }

    long modelNanos() {
        return modelNanos;
    }

    RouterException.Cancelled cancelled() {
        return new RouterException.Cancelled(subtask.id());
    }
}
