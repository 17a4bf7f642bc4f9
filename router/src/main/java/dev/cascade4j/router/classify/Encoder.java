package dev.cascade4j.router.classify;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.Objects;

/**
 * Unit-length sentence embeddings from an in-process model, cached by text. Blocking CPU work: call
 * it from a worker thread, never from an event loop.
 */
public final class Encoder {
    private final EmbeddingModel model;
    private final Cache<String, float[]> cache;

    public Encoder(EmbeddingModel model, int cacheSize) {
        this.model = Objects.requireNonNull(model, "model");
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).recordStats().build();
    }

    /** The embedding of {@code text}, scaled to length 1 so a dot product is the cosine similarity. */
    public float[] embed(String text) {
        return cache.get(text, this::compute);
    }

    private float[] compute(String text) {
        float[] v = model.embed(text).content().vector();
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float scale = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * scale;
        }
        return out;
    }

    public CacheStats stats() {
        return cache.stats();
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
