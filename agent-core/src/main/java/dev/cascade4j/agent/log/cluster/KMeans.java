package dev.cascade4j.agent.log.cluster;

import java.util.Arrays;
import java.util.Random;

/** k-means on unit vectors (cosine), seeded so that the same subtasks give the same clusters. */
final class KMeans {
    private final long seed;

    KMeans(long seed) {
        this.seed = seed;
    }

    /** k-means++ seeding and Lloyd iterations on unit vectors; the best of a few restarts by inertia. */
    int[] cluster(float[][] x, int kk) {
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
                centres = Cosine.centres(x, assign, kk);
            }
            double inertia = 0;
            for (int i = 0; i < x.length; i++) {
                inertia += 1 - Cosine.dot(x[i], centres[assign[i]]);
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
                    best = Math.min(best, Math.max(0, 1 - Cosine.dot(x[i], c[m])));
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

    private static int nearest(float[] v, float[][] centres) {
        int best = 0;
        double bestSim = -2;
        for (int c = 0; c < centres.length; c++) {
            double s = Cosine.dot(v, centres[c]);
            if (s > bestSim) {
                bestSim = s;
                best = c;
            }
        }
        return best;
    }
}
