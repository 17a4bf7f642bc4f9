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
 * confidence with a softmax. The configured out-of-scope examples compete as one more candidate: a text
 * closer to them than to every route, or whose closest example is below the configured floor, is out of
 * scope. Blocking CPU work (the text's embeddings): call it from a worker thread.
 */
public final class RouteClassifier {
    private final ClassifierConfig config;
    private final Encoder encoder;
    private final List<String> names = new ArrayList<>();
    private final List<float[][]> examples = new ArrayList<>();
    private final float[][] outOfScope;
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
        this.outOfScope = config.outOfScopeExamples().stream().map(RouteClassifier::focus).map(encoder::embed).toArray(float[][]::new);
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
        String key = key(text);
        Classification known = lookup(key);
        if (known != null || !key.isEmpty() && views(key).stream().anyMatch(v -> encoder.cached(v) == null)) {
            return known; // a miss is counted when the caller classifies it on a worker
        }
        return miss(key);
    }

    /** Classifies a text {@link #cached} did not know (blocking: embeds it). */
    public Classification classifyUncached(String text) {
        return miss(key(text));
    }

    /** Classifies a text, from the cache when it can (blocking on a miss: embeds it). */
    public Classification classify(String text) {
        String key = key(text);
        Classification known = lookup(key);
        return known != null ? known : miss(key);
    }

    // The encoder reads 256 word pieces at most; longer text only costs time. Texts that differ only in
    // what the encoder cannot read (control characters, unpaired surrogates) share one entry.
    static String key(String text) {
        String t = Encoder.readable(text).strip();
        if (t.length() <= 1000) {
            return t;
        }
        return t.substring(0, Character.isHighSurrogate(t.charAt(999)) ? 999 : 1000);
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
        if (end > 0 && !t.substring(0, end).isBlank() && end < t.length() - 1) {
            return t.substring(0, end).strip();
        }
        return t.length() > 1000 ? t.substring(0, 1000) : t;
    }

    /**
     * The texts a subtask is scored by: the whole text, and its leading instruction when it has one
     * ({@link #focus}) or else its first sentence when more follows ("Write a short summary of the
     * following. ..."). A route scores its best view, so neither the instruction nor the material alone
     * has to carry the decision.
     */
    static List<String> views(String text) {
        List<String> out = new ArrayList<>(2);
        out.add(text);
        String focused = focus(text);
        if (!focused.equals(text)) {
            out.add(focused);
            return out;
        }
        for (int i = 0; i < Math.min(text.length(), 200); i++) {
            char c = text.charAt(i);
            if ((c == '.' || c == '?' || c == '!') && i + 1 < text.length() && Character.isWhitespace(text.charAt(i + 1))) {
                String first = text.substring(0, i + 1);
                if (first.split("\\s+").length >= 3 && text.length() - i > 20) {
                    out.add(first);
                }
                break;
            }
        }
        return out;
    }

    private Classification compute(String text) {
        if (text.isEmpty()) {
            // Nothing to compare with the examples: no route can claim it, so it goes where anything
            // out of scope goes (the large model, or the default model when there is none).
            return new Classification(null, 0, 0, null,
                    "out of scope: no text to classify; the last user message is empty or has no readable characters");
        }
        if (names.isEmpty()) {
            return new Classification(null, 0, 0, null, "no route has examples; name a route");
        }
        List<float[]> qs = views(text).stream().map(encoder::embed).toList();
        int n = names.size();
        boolean withOutOfScope = outOfScope.length > 0;
        double[] scores = new double[withOutOfScope ? n + 1 : n];
        double nearest = -1;
        for (int r = 0; r < n; r++) {
            double[] s = score(qs, examples.get(r));
            scores[r] = s[0];
            nearest = Math.max(nearest, s[1]);
        }
        if (withOutOfScope) {
            scores[n] = score(qs, outOfScope)[0];
        }
        double[] p = softmax(scores, config.temperature());
        int best = 0;
        int second = -1;
        for (int r = 1; r < n; r++) {
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
        if (withOutOfScope && p[n] > p[best]) {
            return new Classification(null, p[n], nearest, names.get(best), String.format(Locale.ROOT,
                    "out of scope: closer to the out-of-scope examples (%.2f) than to any route; closest route %s", p[n], ranking));
        }
        if (nearest < config.outOfScopeBelow()) {
            return new Classification(null, p[best], nearest, names.get(best), String.format(Locale.ROOT,
                    "out of scope: nearest example %.2f < %.2f; closest route %s", nearest, config.outOfScopeBelow(), ranking));
        }
        return new Classification(names.get(best), p[best], nearest, runnerUp, ranking);
    }

    // {mean similarity of the k nearest examples, similarity of the nearest one}, for the text's best view.
    private double[] score(List<float[]> views, float[][] set) {
        double best = -1;
        double nearest = -1;
        for (float[] q : views) {
            double[] sims = new double[set.length];
            for (int i = 0; i < set.length; i++) {
                sims[i] = Encoder.dot(q, set[i]);
            }
            Arrays.sort(sims);
            int k = Math.min(config.k(), sims.length);
            double sum = 0;
            for (int i = 0; i < k; i++) {
                sum += sims[sims.length - 1 - i];
            }
            best = Math.max(best, sum / k);
            nearest = Math.max(nearest, sims[sims.length - 1]);
        }
        return new double[] {best, nearest};
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
