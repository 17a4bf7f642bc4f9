package dev.cascade4j.router;

import dev.cascade4j.inference.LocalModel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded local model and the router's bound on the work it holds. The Retry-After estimate is
 * the recent time per call (moving average) times the number of batches ahead of a new caller.
 */
final class ModelSlot {
    final String name;
    final String ref;
    final LocalModel model;
    final boolean owned;
    final int maxInFlight;
    private final int parallel;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile double callMillis = 1000;

    ModelSlot(String name, String ref, LocalModel model, boolean owned, int maxInFlight) {
        this.name = name;
        this.ref = ref;
        this.model = model;
        this.owned = owned;
        this.maxInFlight = maxInFlight;
        this.parallel = Math.max(1, model.info().parallelSequences());
    }

    boolean tryAcquire() {
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    void release() {
        inFlight.decrementAndGet();
    }

    int inFlight() {
        return inFlight.get();
    }

    void observe(long nanos) {
        callMillis = 0.8 * callMillis + 0.2 * (nanos / 1e6);
    }

    /** When a rejected caller may try again, in whole seconds (what HTTP's Retry-After carries), at least 1. */
    Duration retryAfter() {
        double batchesAhead = Math.ceil((double) inFlight.get() / parallel);
        return Duration.ofSeconds(Math.max(1, (long) Math.ceil(callMillis * batchesAhead / 1000)));
    }

    RouterException.Overloaded overloaded() {
        Duration wait = retryAfter();
        return new RouterException.Overloaded("model " + name + " is busy: " + maxInFlight
                + " subtasks in flight (maxInFlight); retry after " + wait.toSeconds() + " s or raise maxInFlight", wait);
    }
}
