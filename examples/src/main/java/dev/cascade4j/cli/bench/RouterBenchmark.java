package dev.cascade4j.cli.bench;

import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.Subtask;
import dev.cascade4j.router.config.LocalModelConfig;
import dev.cascade4j.router.config.Route;
import dev.cascade4j.router.config.RouterConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ./cascade4j bench router}: the router's own time per subtask (classify, dispatch, judge;
 * model calls excluded, as {@link RoutedAnswer#routerTime()} measures it) under N concurrent callers,
 * with cold caches (every text new, so every subtask is embedded) and warm ones (texts seen before),
 * beside the time of one SLM call of the same model.
 */
public final class RouterBenchmark {

    /** Figures of one run, in milliseconds. */
    public record Result(int callers, int subtasks, int slmThreads, double coldP50, double coldP99, double warmP50, double warmP99,
                         double slmCallMillis, int slmTokens) {
        public String report() {
            return String.format(Locale.ROOT, """
                    router overhead per subtask (classify + dispatch + judge, model calls excluded), %d concurrent callers, %d subtasks per phase, SLM threads %s
                      cold caches (every text new):  p50 %.2f ms   p99 %.2f ms
                      warm caches (texts seen):      p50 %.2f ms   p99 %.2f ms
                    one SLM call (%d tokens, alone): %.1f ms
                      warm p50 overhead = %.2f%% of an SLM call, cold p50 = %.2f%%
                    """, callers, subtasks, slmThreads == 0 ? "all" : String.valueOf(slmThreads), coldP50, coldP99, warmP50, warmP99, slmTokens, slmCallMillis,
                    100 * warmP50 / slmCallMillis, 100 * coldP50 / slmCallMillis);
        }
    }

    private RouterBenchmark() {
    }

    /**
     * Runs the benchmark on the default configuration.
     *
     * @param callers   concurrent callers, each sending its next subtask when the previous is answered
     * @param perCaller subtasks each caller sends per phase
     * @param slmTokens answer length of the reference SLM call
     * @param slmThreads CPU threads of the SLM (0 = all cores)
     * @param registry  where the router's meters go
     */
    public static Result run(int callers, int perCaller, int slmTokens, int slmThreads, MeterRegistry registry) throws Exception {
        RouterConfig defaults = RouterConfig.defaults();
        // Room for every caller (this measures overhead, not rejection), and by default one core left to
        // the router: llama.cpp's threads spin while decoding and would otherwise preempt the event loops.
        LocalModelConfig slmConfig = defaults.localModel(defaults.defaultModel());
        RouterConfig config = defaults.toBuilder()
                .localModel(slmConfig.withMaxInFlight(callers * 2).withOptions(slmConfig.options().withThreads(slmThreads))).build();
        Vertx vertx = Vertx.vertx();
        try (CascadeRouter router = CascadeRouter.builder(vertx).config(config).meterRegistry(registry).build()) {
            List<String> seen = new ArrayList<>();
            for (Route r : config.routes()) {
                seen.addAll(r.examples());
            }
            // Warm-up (JIT, the model's prompt cache), not measured.
            measure(router, callers, 1, i -> seen.get(i % seen.size()) + " (warm-up " + i + ")");
            // The same texts twice: new the first time, seen the second.
            double[] cold = measure(router, callers, perCaller, i -> seen.get(i % seen.size()) + " Case " + i + ".");
            double[] warm = measure(router, callers, perCaller, i -> seen.get(i % seen.size()) + " Case " + i + ".");

            LocalModel slm = router.localModel(config.defaultModel());
            GenerationRequest request = GenerationRequest.builder()
                    .system(config.route("summarize").systemPrompt())
                    .user("Summarize this: the council voted to extend the bike lanes by 40 km over two years, paid for by a parking fee.")
                    .maxTokens(slmTokens).build();
            slm.generate(request);
            double[] calls = new double[3];
            for (int i = 0; i < calls.length; i++) {
                long t0 = System.nanoTime();
                GenerationResult r = slm.generate(request);
                calls[i] = (System.nanoTime() - t0) / 1e6;
                if (r.usage().completionTokens() < 1) {
                    throw new IllegalStateException("the reference SLM call produced no tokens");
                }
            }
            Arrays.sort(calls);
            return new Result(callers, callers * perCaller, slmThreads, percentile(cold, 50), percentile(cold, 99),
                    percentile(warm, 50), percentile(warm, 99), calls[1], slmTokens);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    /** Each of {@code callers} sends {@code perCaller} subtasks one after another; returns every routerTime in ms. */
    private static double[] measure(CascadeRouter router, int callers, int perCaller, java.util.function.IntFunction<String> text)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        double[] times = new double[callers * perCaller];
        AtomicInteger done = new AtomicInteger();
        List<Future<Void>> loops = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            Promise<Void> finished = Promise.promise();
            loops.add(finished.future());
            loop(router, perCaller, text, next, times, done, finished);
        }
        Future.all(loops).toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
        return times;
    }

    private static void loop(CascadeRouter router, int remaining, java.util.function.IntFunction<String> text, AtomicInteger next,
                             double[] times, AtomicInteger done, Promise<Void> finished) {
        if (remaining == 0) {
            finished.complete();
            return;
        }
        int i = next.getAndIncrement();
        // One token: the SLM still runs (prompt and first token), but the benchmark stays about the router.
        Subtask s = Subtask.of(GenerationRequest.builder().user(text.apply(i)).maxTokens(1).build());
        router.route(s).onComplete(ar -> {
            if (ar.failed()) {
                finished.fail(ar.cause());
                return;
            }
            times[done.getAndIncrement()] = ar.result().routerTime().toNanos() / 1e6;
            loop(router, remaining - 1, text, next, times, done, finished);
        });
    }

    /** All cores but one, at least one. */
    public static int defaultSlmThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    public static void main(String[] args) throws Exception {
        int callers = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int perCaller = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        System.out.print(run(callers, perCaller, 32, defaultSlmThreads(), new SimpleMeterRegistry()).report());
    }
}
