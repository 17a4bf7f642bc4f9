package dev.cascade4j.router.internal.metrics;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.router.EscalationReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The router's meters, all prefixed {@code cascade4j.router}, tagged by route ({@code none} for
 * out-of-scope subtasks, {@code model:NAME} for subtasks sent straight to a model):
 * requests, answers kept on the SLM, escalations and fallbacks by reason, rejections, latency and
 * router overhead with p50/p95/p99, tokens in and out per model tier, cache hit ratios and models' in-flight work.
 */
public final class RouterMetrics {
    public static final String PREFIX = "cascade4j.router";
    private final MeterRegistry registry;
    private final List<Object> held = new ArrayList<>();

    public RouterMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void request(String route) {
        counter("requests", "subtasks routed", "route", route).increment();
    }

    public void handledBySlm(String route) {
        counter("slm.handled", "answers kept from the SLM", "route", route).increment();
    }

    public void escalated(String route, EscalationReason reason) {
        counter("escalations", "subtasks answered by a large model", "route", route, "reason", reason.name()).increment();
    }

    public void fallback(String route, EscalationReason reason) {
        counter("fallbacks", "escalations that could not reach a large model; the SLM's answer was returned",
                "route", route, "reason", reason.name()).increment();
    }

    public void rejected(String model, String why) {
        counter("rejections", "subtasks refused because a queue was full", "model", model, "reason", why).increment();
    }

    public void failed(String route, String kind) {
        counter("failures", "subtasks that ended with an error", "route", route, "kind", kind).increment();
    }

    public void latency(String route, Duration latency, Duration routerTime) {
        timer("latency", "time from subtask creation to answer", route).record(latency);
        timer("overhead", "router work per subtask, model calls excluded", route).record(routerTime);
    }

    /** Tokens of one answer; {@code tier} is {@code slm} or {@code large}. */
    public void tokens(String route, String tier, GenerationResult result) {
        if (result == null || result.usage() == null) {
            return;
        }
        counter("tokens", "prompt and completion tokens", "route", route, "tier", tier, "direction", "in")
                .increment(result.usage().promptTokens());
        counter("tokens", "prompt and completion tokens", "route", route, "tier", tier, "direction", "out")
                .increment(result.usage().completionTokens());
    }

    /** Hit ratio and hit/miss counts of a Caffeine cache, read when scraped (held strongly: the suppliers are lambdas nothing else keeps). */
    public void cache(String name, Supplier<CacheStats> stats) {
        Gauge.builder(PREFIX + ".cache.hit.ratio", stats, s -> s.get().requestCount() == 0 ? 0 : s.get().hitRate())
                .description("share of lookups served from the cache").tag("cache", name).strongReference(true).register(registry);
        held.add(stats); // function counters hold their state weakly
        FunctionCounter.builder(PREFIX + ".cache.hits", stats, s -> s.get().hitCount()).tag("cache", name).register(registry);
        FunctionCounter.builder(PREFIX + ".cache.misses", stats, s -> s.get().missCount()).tag("cache", name).register(registry);
    }

    public void inFlight(String model, IntSupplier inFlight) {
        Gauge.builder(PREFIX + ".model.in.flight", inFlight, IntSupplier::getAsInt)
                .description("subtasks a local model holds (running and queued)").tag("model", model).strongReference(true).register(registry);
    }

    private Counter counter(String name, String description, String... tags) {
        return Counter.builder(PREFIX + "." + name).description(description).tags(tags).register(registry);
    }

    private Timer timer(String name, String description, String route) {
        return Timer.builder(PREFIX + "." + name).description(description).tag("route", route)
                .publishPercentiles(0.5, 0.95, 0.99).register(registry);
    }
}
