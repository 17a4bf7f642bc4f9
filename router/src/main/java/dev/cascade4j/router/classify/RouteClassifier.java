package dev.cascade4j.router.classify;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.cascade4j.router.config.ClassifierConfig;
import dev.cascade4j.router.config.Route;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Scores a text against every route by its k most similar examples and turns the scores into a
 * confidence with a softmax. A text whose closest example is below the configured floor is out of
 * scope. Blocking CPU work (the text's embedding): call it from a worker thread.
 */
public final class RouteClassifier {
    private final ClassifierConfig config;
    private final Encoder encoder;
    private final List<String> names = new ArrayList<>();
    private final List<float[][]> examples = new ArrayList<>();
    private final Cache<String, Classification> cache;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /** Embeds every example now: construction takes a moment per example. */
    public RouteClassifier(List<Route> routes, ClassifierConfig config, Encoder encoder) {
        this.config = config;
        this.encoder = encoder;
        for (Route r : routes) {
            if (r.examples().isEmpty()) {
                continue; // reachable by hint only
            }
            names.add(r.name());
            examples.add(r.examples().stream().map(RouteClassifier::focus).map(encoder::embed).toArray(float[][]::new));
        }
        this.cache = Caffeine.newBuilder().maximumSize(config.classificationCacheSize()).build();
    }

    /** Number of routes the classifier can choose (routes with examples). */
    public int routeCount() {
        return names.size();
    }

    /**
     * The classification of {@code text} when it needs no new embedding (cached, or its embedding is),
     * else {@code null}. Scoring a known embedding is microseconds of work, cheap enough for an event loop.
     */
    public Classification cached(String text) {
        String key = focus(text);
        Classification known = lookup(key);
        if (known != null || encoder.cached(key) == null) {
            return known; // a miss is counted when the caller classifies it on a worker
        }
        return miss(key);
    }

    /** Classifies a text {@link #cached} did not know (blocking: embeds it). */
    public Classification classifyUncached(String text) {
        return miss(focus(text));
    }

    /** Classifies a text, from the cache when it can (blocking on a miss: embeds it). */
    public Classification classify(String text) {
        String key = focus(text);
        Classification known = lookup(key);
        return known != null ? known : miss(key);
    }

    // Hits and misses are counted here, once per classification asked for, however it was reached.
    private Classification lookup(String key) {
        Classification known = cache.getIfPresent(key);
        if (known != null) {
            hits.increment();
        }
        return known;
    }

    private Classification miss(String key) {
        misses.increment();
        return cache.get(key, this::compute);
    }

    /**
     * The part of a subtask that says what to do. Agent subtasks are often an instruction followed by
     * its material ("Summarize this: ..."); the material says little about the task and drowns the
     * instruction in the embedding, so a leading instruction ended by a colon or a line break is used alone.
     */
    static String focus(String text) {
        String t = text.strip();
        int end = -1;
        for (int i = 0; i < Math.min(t.length(), 160); i++) {
            char c = t.charAt(i);
            if (c == ':' || c == '\n') {
                end = i;
                break;
            }
        }
        if (end > 0 && t.substring(0, end).strip().split("\\s+").length >= 2 && end < t.length() - 1) {
            return t.substring(0, end).strip();
        }
        return t.length() > 1000 ? t.substring(0, 1000) : t;
    }

    private Classification compute(String text) {
        if (names.isEmpty()) {
            return new Classification(null, 0, 0, null, "no route has examples; name a route");
        }
        float[] q = encoder.embed(text);
        double[] scores = new double[names.size()];
        double nearest = -1;
        for (int r = 0; r < names.size(); r++) {
            float[][] ex = examples.get(r);
            double[] sims = new double[ex.length];
            for (int i = 0; i < ex.length; i++) {
                sims[i] = Encoder.dot(q, ex[i]);
            }
            Arrays.sort(sims);
            int k = Math.min(config.k(), sims.length);
            double sum = 0;
            for (int i = 0; i < k; i++) {
                sum += sims[sims.length - 1 - i];
            }
            scores[r] = sum / k;
            nearest = Math.max(nearest, sims[sims.length - 1]);
        }
        double[] p = softmax(scores, config.temperature());
        int best = 0;
        int second = -1;
        for (int r = 1; r < p.length; r++) {
            if (p[r] > p[best]) {
                second = best;
                best = r;
            } else if (second < 0 || p[r] > p[second]) {
                second = r;
            }
        }
        String runnerUp = second < 0 ? null : names.get(second);
        String ranking = String.format(Locale.ROOT, "%s %.2f", names.get(best), p[best])
                + (second < 0 ? "" : String.format(Locale.ROOT, " over %s %.2f", runnerUp, p[second]))
                + String.format(Locale.ROOT, " (nearest example %.2f)", nearest);
        if (nearest < config.outOfScopeBelow()) {
            return new Classification(null, p[best], nearest, names.get(best), String.format(Locale.ROOT,
                    "out of scope: nearest example %.2f < %.2f; closest route %s", nearest, config.outOfScopeBelow(), ranking));
        }
        return new Classification(names.get(best), p[best], nearest, runnerUp, ranking);
    }

    static double[] softmax(double[] scores, double temperature) {
        double max = Arrays.stream(scores).max().orElse(0);
        double[] out = new double[scores.length];
        double sum = 0;
        for (int i = 0; i < scores.length; i++) {
            out[i] = Math.exp((scores[i] - max) / temperature);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    public CacheStats cacheStats() {
        return CacheStats.of(hits.sum(), misses.sum(), 0, 0, 0, 0, 0);
    }

    public CacheStats embeddingCacheStats() {
        return encoder.stats();
    }
}
