package dev.cascade4j.router;

import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.Timings;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded local model and the router's bound on the work it holds.
 *
 * <p>The Retry-After estimate is the time the work already held takes to drain: the subtasks in flight,
 * served {@code parallelSequences} at a time, each taking the model's recent service time (moving
 * average of the time a call spends being served, prompt and answer, not the time it waited for a
 * sequence: a mean that included waiting would count the queue twice). Capped at {@link #MAX_RETRY_AFTER}.
 */
final class ModelSlot {
    /** The most a rejected caller is told to wait; past it the estimate says more about the estimator than the queue. */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);
    private static final double PRIOR_SERVICE_MILLIS = 1000;

    final String name;
    final String ref;
    final LocalModel model;
    final boolean owned;
    final int maxInFlight;
    private final int parallel;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile double serviceMillis = PRIOR_SERVICE_MILLIS;
    private volatile boolean measured;

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

    /** Learns the model's service time from a finished call; a cancelled one says nothing about it. */
    void observe(GenerationResult result) {
        if (result == null || result.finishReason() == FinishReason.CANCELLED) {
            return;
        }
        Timings t = result.timings();
        double served = t.promptMillis() + t.generateMillis();
        serviceMillis = measured ? 0.8 * serviceMillis + 0.2 * served : served;
        measured = true;
    }

    /** The service time the estimate uses, in milliseconds. */
    double serviceMillis() {
        return serviceMillis;
    }

    /** When a rejected caller may try again, in whole seconds (what HTTP's Retry-After carries), 1 to {@link #MAX_RETRY_AFTER}. */
    Duration retryAfter() {
        double drainMillis = (double) inFlight.get() / parallel * serviceMillis;
        long seconds = Math.round(drainMillis / 1000); // nearest: the calls under way are partly served already
        return Duration.ofSeconds(Math.clamp(seconds, 1, MAX_RETRY_AFTER.toSeconds()));
    }

    RouterException.Overloaded overloaded() {
        Duration wait = retryAfter();
        return new RouterException.Overloaded("model " + name + " is busy: " + maxInFlight
                + " subtasks in flight (maxInFlight); retry after " + wait.toSeconds() + " s or raise maxInFlight", wait);
    }
}
