package dev.cascade4j.router.internal.classify;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.cascade4j.router.RequestShape;
import dev.cascade4j.router.config.ClassifierConfig;
import dev.cascade4j.router.config.Route;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Scores a text against every route by its k most similar examples and turns the scores of the routes
 * that take the request's {@link RequestShape} into a confidence with a softmax. For plain text the
 * configured out-of-scope examples compete as one more candidate: a text closer to them than to every
 * route, or whose closest example is below the configured floor, is out of scope. A request that carries
 * tools, a tool result or a response format is never out of scope, and when one route alone takes its
 * shape no embedding is needed. Blocking CPU work (the text's embeddings): call it from a worker thread.
 */
public final class RouteClassifier {
    private final ClassifierConfig config;
    private final Encoder encoder;
    private final List<Route> routes = new ArrayList<>();
    private final List<float[][]> examples = new ArrayList<>();
    private final float[][] outOfScope;
    private final Cache<String, Scores> cache;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private static final Classification NO_ROUTES = new Classification(null, 0, 0, null, "no route has examples", "name a route");

    /** A text's similarity to every route and to the out-of-scope examples: what the embedding costs, cached per text. */
    private record Scores(double[] route, double[] nearest, double outOfScope) {
    }

    /** Embeds every example now: construction takes a moment per example. */
    public RouteClassifier(List<Route> routes, ClassifierConfig config, Encoder encoder) {
        this.config = config;
        this.encoder = encoder;
        for (Route r : routes) {
            if (r.examples().isEmpty()) {
                continue; // reachable by hint only
            }
            this.routes.add(r);
            examples.add(r.examples().stream().map(RouteClassifier::focus).map(encoder::embed).toArray(float[][]::new));
        }
        this.outOfScope = config.outOfScopeExamples().stream().map(RouteClassifier::focus).map(encoder::embed).toArray(float[][]::new);
        this.cache = Caffeine.newBuilder().maximumSize(config.classificationCacheSize()).build();
    }

    /** Number of routes the classifier can choose (routes with examples). */
    public int routeCount() {
        return routes.size();
    }

    /**
     * The classification of {@code text} when it needs no new embedding (cached, its embedding is, or the
     * request's shape leaves one route), else {@code null}. Scoring a known embedding is microseconds of
     * work, cheap enough for an event loop.
     */
    public Classification cached(String text, RequestShape shape) {
        List<Integer> candidates = candidates(shape);
        if (candidates.isEmpty()) {
            return NO_ROUTES;
        }
        if (candidates.size() == 1) {
            return onlyCandidate(candidates.getFirst(), shape);
        }
        String key = key(text);
        if (key.isEmpty()) {
            return withoutText(candidates, shape);
        }
        Scores known = lookup(key);
        if (known != null) {
            return choose(known, candidates, shape);
        }
        if (views(key).stream().anyMatch(v -> encoder.cached(v) == null)) {
            return null; // a miss is counted when the caller classifies it on a worker
        }
        return choose(miss(key), candidates, shape);
    }

    /** Classifies a text {@link #cached} did not know (blocking: embeds it). */
    public Classification classifyUncached(String text, RequestShape shape) {
        List<Integer> candidates = candidates(shape);
        if (candidates.size() < 2) {
            return candidates.isEmpty() ? NO_ROUTES : onlyCandidate(candidates.getFirst(), shape);
        }
        String key = key(text);
        return key.isEmpty() ? withoutText(candidates, shape) : choose(miss(key), candidates, shape);
    }

    /**
     * A request whose text has nothing readable: nothing to compare with the examples. Plain text goes
     * where anything out of scope goes (the large model, or the default model when there is none); a
     * request of another shape keeps its first candidate route with no confidence, so it escalates.
     */
    private Classification withoutText(List<Integer> candidates, RequestShape shape) {
        String why = "the last user message is empty or has no readable characters";
        if (shape == RequestShape.TEXT) {
            return new Classification(null, 0, 0, null, "out of scope: no text to classify", why);
        }
        return new Classification(routes.get(candidates.getFirst()).name(), 0, 0, null,
                "no text to classify; " + why + "; first route that takes " + describe(shape));
    }

    /** Classifies a text of the given shape, from the cache when it can (blocking on a miss: embeds it). */
    public Classification classify(String text, RequestShape shape) {
        Classification c = cached(text, shape);
        return c != null ? c : classifyUncached(text, shape);
    }

    /** Classifies a plain text request: every route competes, and it may be out of scope. */
    public Classification classify(String text) {
        return classify(text, RequestShape.TEXT);
    }

    /**
     * The routes that take a request of this shape. When none declares it, every route competes, as
     * for plain text.
     */
    private List<Integer> candidates(RequestShape shape) {
        List<Integer> out = new ArrayList<>();
        for (int r = 0; r < routes.size(); r++) {
            if (routes.get(r).takes(shape)) {
                out.add(r);
            }
        }
        if (out.isEmpty()) {
            for (int r = 0; r < routes.size(); r++) {
                out.add(r);
            }
        }
        return out;
    }

    private Classification onlyCandidate(int r, RequestShape shape) {
        return new Classification(routes.get(r).name(), 1, Double.NaN, null, "the only route that takes " + describe(shape));
    }

    static String describe(RequestShape shape) {
        return switch (shape) {
            case TOOL_RESULT -> "a tool result";
            case TOOLS -> "requests with tools";
            case STRUCTURED -> "requests for JSON";
            case TEXT -> "plain text";
        };
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
    private Scores lookup(String key) {
        Scores known = cache.getIfPresent(key);
        if (known != null) {
            hits.increment();
        }
        return known;
    }

    private Scores miss(String key) {
        misses.increment();
        return cache.get(key, this::score);
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

    private Scores score(String text) {
        List<float[]> qs = views(text).stream().map(encoder::embed).toList();
        int n = routes.size();
        double[] scores = new double[n];
        double[] nearest = new double[n];
        for (int r = 0; r < n; r++) {
            double[] s = score(qs, examples.get(r));
            scores[r] = s[0];
            nearest[r] = s[1];
        }
        return new Scores(scores, nearest, outOfScope.length > 0 ? score(qs, outOfScope)[0] : Double.NaN);
    }

    /**
     * The best of the candidate routes, with a softmax confidence over them. Only plain text can be out of
     * scope: closer to the out-of-scope examples than to every candidate, or with no example near it.
     */
    private Classification choose(Scores s, List<Integer> candidates, RequestShape shape) {
        boolean mayBeOutOfScope = shape == RequestShape.TEXT;
        boolean withOutOfScope = mayBeOutOfScope && !Double.isNaN(s.outOfScope());
        int n = candidates.size();
        double[] scores = new double[withOutOfScope ? n + 1 : n];
        double nearest = -1;
        for (int i = 0; i < n; i++) {
            scores[i] = s.route()[candidates.get(i)];
            nearest = Math.max(nearest, s.nearest()[candidates.get(i)]);
        }
        if (withOutOfScope) {
            scores[n] = s.outOfScope();
        }
        double[] p = softmax(scores, config.temperature());
        int best = 0;
        int second = -1;
        for (int i = 1; i < n; i++) {
            if (p[i] > p[best]) {
                second = best;
                best = i;
            } else if (second < 0 || p[i] > p[second]) {
                second = i;
            }
        }
        String bestName = routes.get(candidates.get(best)).name();
        String runnerUp = second < 0 ? null : routes.get(candidates.get(second)).name();
        String ranking = String.format(Locale.ROOT, "%s %.2f", bestName, p[best])
                + (second < 0 ? "" : String.format(Locale.ROOT, " over %s %.2f", runnerUp, p[second]))
                + String.format(Locale.ROOT, " (nearest example %.2f)", nearest)
                + (mayBeOutOfScope ? "" : " among the routes that take " + describe(shape));
        if (withOutOfScope && p[n] > p[best]) {
            return new Classification(null, p[n], nearest, bestName, String.format(Locale.ROOT,
                    "out of scope: closer to the out-of-scope examples (%.2f) than to any route", p[n]), "closest route " + ranking);
        }
        if (mayBeOutOfScope && nearest < config.outOfScopeBelow()) {
            return new Classification(null, p[best], nearest, bestName, String.format(Locale.ROOT,
                    "out of scope: nearest example %.2f < %.2f", nearest, config.outOfScopeBelow()), "closest route " + ranking);
        }
        return new Classification(bestName, p[best], nearest, runnerUp, ranking);
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
