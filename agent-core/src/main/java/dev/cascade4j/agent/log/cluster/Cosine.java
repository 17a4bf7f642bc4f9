package dev.cascade4j.agent.log.cluster;

/** Arithmetic on unit vectors, where cosine similarity is a dot product: normalising, centres, and the silhouette score. */
final class Cosine {
    private Cosine() {
    }

    /** The unit-length mean of each cluster's members. */
    static float[][] centres(float[][] x, int[] assign, int kk) {
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

    static float[] unit(float[] v) {
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

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
