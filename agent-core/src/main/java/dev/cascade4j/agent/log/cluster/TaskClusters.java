package dev.cascade4j.agent.log.cluster;

import dev.cascade4j.agent.log.QueryRecord;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Groups logged subtasks by the meaning of their query (the last user message): embeds them, then
 * k-means on unit vectors (cosine), with k chosen by the best mean silhouette when not given; or,
 * with a similarity cut, average-linkage agglomerative clustering that merges groups while their
 * mean cosine similarity is at least the cut. A large cluster with a high escalation rate is a task
 * a new specialist SLM would take off the large model.
 */
public final class TaskClusters {
    private final EmbeddingModel embeddings;
    private final int k;
    private final int maxK;
    private final KMeans kmeans;
    private final int samples;
    private final double similarityCut;

    private TaskClusters(Builder b) {
        this.similarityCut = b.similarityCut;
        this.embeddings = b.embeddings;
        this.k = b.k;
        this.maxK = b.maxK;
        this.kmeans = new KMeans(b.seed);
        this.samples = b.samples;
    }

    /** With an embedding model, e.g. langchain4j's in-process {@code AllMiniLmL6V2QuantizedEmbeddingModel}. */
    public static Builder builder(EmbeddingModel embeddings) {
        return new Builder(embeddings);
    }

    /** The text a subtask is clustered by: its last user message, else its last message. */
    public static String queryText(QueryRecord r) {
        List<QueryRecord.Message> ms = r.request().messages();
        for (int i = ms.size() - 1; i >= 0; i--) {
            if (ms.get(i).role().equals("user") && !ms.get(i).content().isBlank()) {
                return ms.get(i).content();
            }
        }
        return ms.isEmpty() ? "" : ms.getLast().content();
    }

    public ClusterReport cluster(List<QueryRecord> records) {
        if (records.size() < 2) {
            throw new IllegalArgumentException("clustering needs at least 2 logged subtasks, got " + records.size());
        }
        List<String> texts = records.stream().map(TaskClusters::queryText).map(t -> t.length() > 2000 ? t.substring(0, 2000) : t).toList();
        List<Embedding> embedded = new ArrayList<>();
        for (int i = 0; i < texts.size(); i += 256) {
            List<TextSegment> batch = texts.subList(i, Math.min(texts.size(), i + 256)).stream()
                    .map(t -> TextSegment.from(t.isBlank() ? "(empty)" : t)).toList();
            embedded.addAll(embeddings.embedAll(batch).content());
        }
        float[][] x = embedded.stream().map(e -> Cosine.unit(e.vector())).toArray(float[][]::new);
        int n = x.length;
        int[] best;
        double bestSil;
        int chosenK;
        if (!Double.isNaN(similarityCut)) {
            best = Agglomerative.cluster(x, similarityCut);
            chosenK = Arrays.stream(best).max().orElse(0) + 1;
            bestSil = chosenK < 2 ? 0 : Cosine.silhouette(x, best, chosenK);
        } else if (k > 0) {
            chosenK = Math.min(k, n);
            best = kmeans.cluster(x, chosenK);
            bestSil = Cosine.silhouette(x, best, chosenK);
        } else {
            chosenK = 2;
            best = kmeans.cluster(x, 2);
            bestSil = Cosine.silhouette(x, best, 2);
            for (int c = 3; c <= Math.min(maxK, n - 1); c++) {
                int[] a = kmeans.cluster(x, c);
                double s = Cosine.silhouette(x, a, c);
                if (s > bestSil) {
                    best = a;
                    bestSil = s;
                    chosenK = c;
                }
            }
        }
        return new ClusterReport(n, chosenK, bestSil, describe(records, texts, x, best, chosenK));
    }

    private List<TaskCluster> describe(List<QueryRecord> records, List<String> texts, float[][] x, int[] assign, int kk) {
        float[][] centres = Cosine.centres(x, assign, kk);
        List<TaskCluster> out = new ArrayList<>();
        for (int c = 0; c < kk; c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < x.length; i++) {
                if (assign[i] == c) {
                    members.add(i);
                }
            }
            if (members.isEmpty()) {
                continue;
            }
            float[] centre = centres[c];
            members.sort(Comparator.comparingDouble(i -> -Cosine.dot(x[i], centre)));
            Map<String, Integer> routes = new TreeMap<>();
            int escalated = 0;
            double cohesion = 0;
            for (int i : members) {
                routes.merge(records.get(i).route() == null ? "(none)" : records.get(i).route(), 1, Integer::sum);
                escalated += records.get(i).escalated() ? 1 : 0;
                cohesion += Cosine.dot(x[i], centre);
            }
            List<String> sample = members.stream().map(texts::get).distinct().limit(samples).toList();
            out.add(new TaskCluster(members.size(), escalated, routes, sample, cohesion / members.size()));
        }
        out.sort(Comparator.comparingInt(TaskCluster::escalated).reversed().thenComparing(Comparator.comparingInt(TaskCluster::size).reversed()));
        return out;
    }

    /** Builder: k chosen by silhouette between 2 and 12, three samples per cluster. */
    public static final class Builder {
        private final EmbeddingModel embeddings;
        private int k;
        private int maxK = 12;
        private long seed = 42;
        private int samples = 3;
        private double similarityCut = Double.NaN;

        private Builder(EmbeddingModel embeddings) {
            this.embeddings = Objects.requireNonNull(embeddings, "embeddings");
        }

        /** A fixed number of clusters; 0 (the default) chooses by silhouette. */
        public Builder k(int k) {
            if (k < 0 || k == 1) {
                throw new IllegalArgumentException("k must be at least 2 (or 0 to choose by silhouette), got " + k);
            }
            this.k = k;
            return this;
        }

        public Builder maxK(int maxK) {
            if (maxK < 2) {
                throw new IllegalArgumentException("maxK must be at least 2, got " + maxK);
            }
            this.maxK = maxK;
            return this;
        }

        /** Agglomerative clustering instead of k-means: groups merge while their mean cosine similarity is at least {@code cut}. */
        public Builder similarityCut(double cut) {
            if (!(cut > -1 && cut < 1)) {
                throw new IllegalArgumentException("the similarity cut must be between -1 and 1 (e.g. 0.5), got " + cut);
            }
            this.similarityCut = cut;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder samples(int samples) {
            this.samples = Math.max(1, samples);
            return this;
        }

        public TaskClusters build() {
            return new TaskClusters(this);
        }
    }
}
