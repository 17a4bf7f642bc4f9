package dev.cascade4j.router;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Vert.x worker pool with a bounded number of waiting and running tasks: blocking work (embedding,
 * a langchain4j ChatModel call) runs off the event loop, and a full pool is a rejection, not a wait.
 * Results come back on the caller's context.
 */
final class BoundedWorker implements AutoCloseable {
    private static final long MAX_EXECUTE_MINUTES = 30;

    private final String name;
    private final WorkerExecutor executor;
    private final int capacity;
    private final AtomicInteger pending = new AtomicInteger();

    BoundedWorker(Vertx vertx, String name, int threads, int capacity) {
        this.name = name;
        // A large model's answer may take minutes on a loaded CPU, and a subtask's deadline bounds it:
        // Vert.x's default of 60 s would print a "Thread blocked" stack trace every second after that.
        this.executor = vertx.createSharedWorkerExecutor(name, threads, MAX_EXECUTE_MINUTES, TimeUnit.MINUTES);
        this.capacity = capacity;
    }

    /** Thrown (as the future's failure) when the pool holds {@code capacity} tasks already. */
    static final class Full extends RuntimeException {
        Full(String name, int capacity) {
            super(name + " is full: " + capacity + " tasks waiting or running");
        }
    }

    <T> Future<T> submit(Callable<T> task) {
        if (pending.incrementAndGet() > capacity) {
            pending.decrementAndGet();
            return Future.failedFuture(new Full(name, capacity));
        }
        return executor.executeBlocking(task, false).andThen(ar -> pending.decrementAndGet());
    }

    int pending() {
        return pending.get();
    }

    @Override
    public void close() {
        executor.close();
    }
}
