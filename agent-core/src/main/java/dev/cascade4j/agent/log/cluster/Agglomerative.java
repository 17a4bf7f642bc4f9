package dev.cascade4j.agent.log.cluster;

import java.util.Arrays;

/** Average-linkage agglomerative clustering on unit vectors, for a similarity cut instead of a number of clusters. */
final class Agglomerative {
    /** Agglomerative clustering keeps n² similarities; beyond this, use k-means. */
    static final int MAX_POINTS = 3000;

    private Agglomerative() {
    }

    /**
     * Average linkage: repeatedly merges the two most similar groups (mean pairwise cosine
     * similarity, updated by the Lance-Williams rule) while that similarity is at least {@code cut}.
     */
    static int[] cluster(float[][] x, double cut) {
        int n = x.length;
        if (n > MAX_POINTS) {
            throw new IllegalArgumentException("agglomerative clustering handles up to " + MAX_POINTS
                    + " subtasks, got " + n + "; use k-means (no similarity cut) or narrow with --route/--since");
        }
        double[][] sim = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                sim[i][j] = sim[j][i] = Cosine.dot(x[i], x[j]);
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
}
