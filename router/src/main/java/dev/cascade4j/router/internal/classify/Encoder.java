package dev.cascade4j.router.internal.classify;

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

    /**
     * The embedding of {@code text}, scaled to length 1 so a dot product is the cosine similarity. Any
     * text is accepted: it is first made {@link #readable}, and a text with nothing left embeds as the
     * zero vector (similar to nothing), since the model refuses an empty input.
     */
    public float[] embed(String text) {
        return cache.get(readable(text).strip(), this::compute);
    }

    /** The cached embedding of {@code text}, or {@code null}. */
    public float[] cached(String text) {
        return cache.getIfPresent(readable(text).strip());
    }

    /**
     * The text with control characters turned into spaces, and invisible format characters (a byte-order
     * mark, zero-width and direction marks) and unpaired surrogates (which are not characters and have no
     * UTF-8 form) removed: what a client can send in JSON but an encoder cannot read.
     * Line breaks stay: they separate an instruction from its material (see RouteClassifier's focus).
     */
    public static String readable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
            boolean invisible = Character.isSurrogate(c) || Character.getType(c) == Character.FORMAT;
            boolean keep = pair || !(invisible || Character.isISOControl(c) && c != '\n');
            if (!keep && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null) {
                if (pair) {
                    out.append(c).append(text.charAt(i + 1));
                } else if (keep) {
                    out.append(c);
                } else if (!invisible) {
                    out.append(' ');
                }
            }
            if (pair) {
                i++;
            }
        }
        return out == null ? text : out.toString();
    }

    private float[] compute(String text) {
        if (text.isEmpty()) {
            return new float[model.dimension()];
        }
        float[] v;
        try {
            v = model.embed(text).content().vector();
        } catch (IllegalArgumentException nothingToRead) {
            // The encoder's tokenizer found no token in it (e.g. only characters it skips): like empty text.
            return new float[model.dimension()];
        }
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
