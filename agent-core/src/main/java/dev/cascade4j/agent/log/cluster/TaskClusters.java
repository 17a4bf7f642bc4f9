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
import java.util.Random;
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
    private final long seed;
    private final int samples;
    private final double similarityCut;

    /** Agglomerative clustering keeps n² similarities; beyond this, use k-means. */
    static final int MAX_AGGLOMERATIVE = 3000;

    private TaskClusters(Builder b) {
        this.similarityCut = b.similarityCut;
        this.embeddings = b.embeddings;
        this.k = b.k;
        this.maxK = b.maxK;
        this.seed = b.seed;
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
        float[][] x = embedded.stream().map(e -> unit(e.vector())).toArray(float[][]::new);
        int n = x.length;
        int[] best;
        double bestSil;
        int chosenK;
        if (!Double.isNaN(similarityCut)) {
            best = agglomerative(x, similarityCut);
            chosenK = Arrays.stream(best).max().orElse(0) + 1;
            bestSil = chosenK < 2 ? 0 : silhouette(x, best, chosenK);
        } else if (k > 0) {
            chosenK = Math.min(k, n);
            best = kmeans(x, chosenK);
            bestSil = silhouette(x, best, chosenK);
        } else {
            chosenK = 2;
            best = kmeans(x, 2);
            bestSil = silhouette(x, best, 2);
            for (int c = 3; c <= Math.min(maxK, n - 1); c++) {
                int[] a = kmeans(x, c);
                double s = silhouette(x, a, c);
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
        float[][] centres = centres(x, assign, kk);
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
            members.sort(Comparator.comparingDouble(i -> -dot(x[i], centre)));
            Map<String, Integer> routes = new TreeMap<>();
            int escalated = 0;
            double cohesion = 0;
            for (int i : members) {
                routes.merge(records.get(i).route() == null ? "(none)" : records.get(i).route(), 1, Integer::sum);
                escalated += records.get(i).escalated() ? 1 : 0;
                cohesion += dot(x[i], centre);
            }
            List<String> sample = members.stream().map(texts::get).distinct().limit(samples).toList();
            out.add(new TaskCluster(members.size(), escalated, routes, sample, cohesion / members.size()));
        }
        out.sort(Comparator.comparingInt(TaskCluster::escalated).reversed().thenComparing(Comparator.comparingInt(TaskCluster::size).reversed()));
        return out;
    }

    /**
     * Average linkage: repeatedly merges the two most similar groups (mean pairwise cosine
     * similarity, updated by the Lance-Williams rule) while that similarity is at least {@code cut}.
     */
    static int[] agglomerative(float[][] x, double cut) {
        int n = x.length;
        if (n > MAX_AGGLOMERATIVE) {
            throw new IllegalArgumentException("agglomerative clustering handles up to " + MAX_AGGLOMERATIVE
                    + " subtasks, got " + n + "; use k-means (no similarity cut) or narrow with --route/--since");
        }
        double[][] sim = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                sim[i][j] = sim[j][i] = dot(x[i], x[j]);
            }
        }
        int[] size = new int[n];
        int[] parent = new int[n];
        boolean[] alive = new boolean[n];
        for (int i = 0; i < n; i++) {
            size[i] = 1;
            parent[i] = i;
            alive[i] = true;
        }
        while (true) {
            int a = -1;
            int b = -1;
            double bestSim = cut;
            for (int i = 0; i < n; i++) {
                if (!alive[i]) {
                    continue;
                }
                for (int j = i + 1; j < n; j++) {
                    if (alive[j] && sim[i][j] >= bestSim) {
                        bestSim = sim[i][j];
                        a = i;
                        b = j;
                    }
                }
            }
            if (a < 0) {
                break;
            }
            for (int m = 0; m < n; m++) {
                if (alive[m] && m != a && m != b) {
                    sim[a][m] = sim[m][a] = (size[a] * sim[a][m] + size[b] * sim[b][m]) / (size[a] + size[b]);
                }
            }
            size[a] += size[b];
            alive[b] = false;
            for (int m = 0; m < n; m++) {
                if (parent[m] == b) {
                    parent[m] = a;
                }
            }
        }
        int[] label = new int[n];
        Arrays.fill(label, -1);
        int next = 0;
        int[] assign = new int[n];
        for (int i = 0; i < n; i++) {
            int root = parent[i];
            if (label[root] < 0) {
                label[root] = next++;
            }
            assign[i] = label[root];
        }
        return assign;
    }

    /** k-means++ seeding and Lloyd iterations on unit vectors; the best of a few restarts by inertia. */
    int[] kmeans(float[][] x, int kk) {
        Random rnd = new Random(seed + kk);
        int[] best = null;
        double bestInertia = Double.MAX_VALUE;
        for (int restart = 0; restart < 4; restart++) {
            float[][] centres = seedCentres(x, kk, rnd);
            int[] assign = new int[x.length];
            Arrays.fill(assign, -1);
            for (int iter = 0; iter < 100; iter++) {
                boolean moved = false;
                for (int i = 0; i < x.length; i++) {
                    int c = nearest(x[i], centres);
                    if (c != assign[i]) {
                        assign[i] = c;
                        moved = true;
                    }
                }
                if (!moved) {
                    break;
                }
                centres = centres(x, assign, kk);
            }
            double inertia = 0;
            for (int i = 0; i < x.length; i++) {
                inertia += 1 - dot(x[i], centres[assign[i]]);
            }
            if (inertia < bestInertia) {
                bestInertia = inertia;
                best = assign;
            }
        }
        return best;
    }

    private static float[][] seedCentres(float[][] x, int kk, Random rnd) {
        float[][] c = new float[kk][];
        c[0] = x[rnd.nextInt(x.length)].clone();
        double[] d = new double[x.length];
        for (int j = 1; j < kk; j++) {
            double total = 0;
            for (int i = 0; i < x.length; i++) {
                double best = Double.MAX_VALUE;
                for (int m = 0; m < j; m++) {
                    best = Math.min(best, Math.max(0, 1 - dot(x[i], c[m])));
                }
                d[i] = best * best;
                total += d[i];
            }
            double r = rnd.nextDouble() * total;
            int pick = 0;
            for (; pick < x.length - 1 && (r -= d[pick]) > 0; pick++) {
                // walk to the point the draw lands on
            }
            c[j] = x[pick].clone();
        }
        return c;
    }

    private static float[][] centres(float[][] x, int[] assign, int kk) {
        int dim = x[0].length;
        float[][] c = new float[kk][dim];
        for (int i = 0; i < x.length; i++) {
            for (int d = 0; d < dim; d++) {
                c[assign[i]][d] += x[i][d];
            }
        }
        for (int j = 0; j < kk; j++) {
            c[j] = unit(c[j]);
        }
        return c;
    }

    private static int nearest(float[] v, float[][] centres) {
        int best = 0;
        double bestSim = -2;
        for (int c = 0; c < centres.length; c++) {
            double s = dot(v, centres[c]);
            if (s > bestSim) {
                bestSim = s;
                best = c;
            }
        }
        return best;
    }

    /** Mean silhouette with cosine distance; on a fixed sample of at most 2,000 points to bound the cost. */
    static double silhouette(float[][] x, int[] assign, int kk) {
        int n = x.length;
        int step = Math.max(1, n / 2000);
        double sum = 0;
        int count = 0;
        for (int i = 0; i < n; i += step) {
            double[] dist = new double[kk];
            int[] size = new int[kk];
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    dist[assign[j]] += 1 - dot(x[i], x[j]);
                    size[assign[j]]++;
                }
            }
            if (size[assign[i]] == 0) {
                count++; // a singleton scores 0
                continue;
            }
            double a = dist[assign[i]] / size[assign[i]];
            double b = Double.MAX_VALUE;
            for (int c = 0; c < kk; c++) {
                if (c != assign[i] && size[c] > 0) {
                    b = Math.min(b, dist[c] / size[c]);
                }
            }
            if (b != Double.MAX_VALUE) {
                sum += (b - a) / Math.max(a, b);
            }
            count++;
        }
        return count == 0 ? 0 : sum / count;
    }

    private static float[] unit(float[] v) {
        double norm = 0;
        for (float f : v) {
            norm += f * f;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = norm == 0 ? 0 : (float) (v[i] / norm);
        }
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
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
