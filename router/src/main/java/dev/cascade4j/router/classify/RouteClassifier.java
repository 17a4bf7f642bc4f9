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

    /** Embeds every example now: construction takes a moment per example. */
    public RouteClassifier(List<Route> routes, ClassifierConfig config, Encoder encoder) {
        this.config = config;
        this.encoder = encoder;
        for (Route r : routes) {
            if (r.examples().isEmpty()) {
                continue; // reachable by hint only
            }
            names.add(r.name());
            examples.add(r.examples().stream().map(encoder::embed).toArray(float[][]::new));
        }
        this.cache = Caffeine.newBuilder().maximumSize(config.classificationCacheSize()).recordStats().build();
    }

    /** Number of routes the classifier can choose (routes with examples). */
    public int routeCount() {
        return names.size();
    }

    public Classification classify(String text) {
        return cache.get(text, this::compute);
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
        return cache.stats();
    }

    public CacheStats embeddingCacheStats() {
        return encoder.stats();
    }
}
