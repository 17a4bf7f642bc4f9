package dev.cascade4j.inference.llama;

/**
 * The raw next-token distribution of one sequence, summarised from its logits: the most likely
 * tokens, and the softmax normaliser and entropy. This runs once per generated token over the whole
 * vocabulary (262k logits for Gemma), so it is built to stay well under a millisecond:
 * <ul>
 * <li>tokens more than {@value #CUTOFF} nats below the maximum are skipped (each carries less than
 *     e^-20 of the top token's mass; all of them together change the normaliser by under 0.06%);</li>
 * <li>tokens within 8 nats of the maximum are summed exactly; those further down, each under e^-8
 *     of the top token's mass, are estimated from every 8th of them (on real distributions the
 *     normaliser moves by well under 1%);</li>
 * <li>exp comes from a table with linear interpolation (relative error under 2e-6), several times
 *     cheaper than {@link Math#exp};</li>
 * <li>the top-k heap (the grammar's candidates, whatever their mass) only sees tokens above a floor taken from a strided sample of the logits, so
 *     it does a few hundred insertions instead of one per token; when fewer than k tokens clear the
 *     floor, a second pass without it keeps the result exact.</li>
 * </ul>
 * Reused across steps on the decode thread.
 */
final class LogitStats {
    static final float CUTOFF = 20f;

    private static final int STEPS_PER_NAT = 256;
    // EXP[i] = e^(-i / STEPS_PER_NAT) for i in [0, CUTOFF * STEPS_PER_NAT + 1].
    private static final float[] EXP = new float[(int) CUTOFF * STEPS_PER_NAT + 2];
    private static final int SAMPLE_STRIDE = 256;
    // Tokens within NEAR nats of the maximum hold nearly all the mass and are summed exactly; the many
    // below are estimated from every TAIL_STRIDE-th of them.
    private static final float NEAR = 8f;
    private static final int TAIL_STRIDE = 8;

    static {
        for (int i = 0; i < EXP.length; i++) {
            EXP[i] = (float) Math.exp(-(double) i / STEPS_PER_NAT);
        }
    }

    private final int capacity;
    final int[] topTokens;
    final float[] topLogits;
    int topCount;
    float maxLogit;
    double logNormaliser;
    double entropy;

    LogitStats(int capacity) {
        this.capacity = capacity;
        this.topTokens = new int[capacity];
        this.topLogits = new float[capacity];
    }

    /** e^-x for x in [0, CUTOFF], from the table. */
    static float expNeg(float x) {
        float f = x * STEPS_PER_NAT;
        int i = (int) f;
        float frac = f - i;
        return EXP[i] + (EXP[i + 1] - EXP[i]) * frac;
    }

    /** Summarises {@code logits}, keeping the {@code k} most likely tokens sorted by falling logit. */
    void compute(float[] logits, int vocab, int k) {
        k = Math.min(Math.min(k, capacity), vocab);
        // A plain comparison, not Math.max: its NaN and -0.0 handling costs more than the rarely taken branch.
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            float l = logits[i];
            if (l > max) {
                max = l;
            }
        }
        float cutoff = max - CUTOFF;
        // Expect about SAMPLE_STRIDE tokens above the best of every SAMPLE_STRIDE-th logit, so k <= that
        // many clear it almost always; a small vocabulary gets no floor.
        float floor = Float.NEGATIVE_INFINITY;
        if (vocab >= SAMPLE_STRIDE * 16) {
            for (int i = 0; i < vocab; i += SAMPLE_STRIDE) {
                if (logits[i] > floor) {
                    floor = logits[i];
                }
            }
        }
        float near = vocab >= SAMPLE_STRIDE * 16 ? max - NEAR : cutoff;
        double sum = 0;
        double weighted = 0;
        double sampledSum = 0;
        double sampledWeighted = 0;
        int count = 0;
        float heapMin = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            float l = logits[i];
            if (l > near) {
                float d = max - l;
                float e = expNeg(d);
                sum += e;
                weighted -= e * d;
            } else if ((i & (TAIL_STRIDE - 1)) == 0 && l > cutoff) {
                float d = max - l;
                float e = expNeg(d);
                sampledSum += e;
                sampledWeighted -= e * d;
            }
            // Candidates for the grammar are the k best whatever their mass: a model fighting the schema
            // may have its allowed tokens far below the peak.
            if (l >= floor) {
                if (count < k) {
                    count = heapInsert(count, i, l);
                    heapMin = topLogits[0];
                } else if (l > heapMin) {
                    heapReplaceMin(k, i, l);
                    heapMin = topLogits[0];
                }
            }
        }
        sum += sampledSum * TAIL_STRIDE;
        weighted += sampledWeighted * TAIL_STRIDE;
        if (count < k && floor > Float.NEGATIVE_INFINITY) {
            count = 0;
            heapMin = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < vocab; i++) {
                float l = logits[i];
                if (count < k) {
                    count = heapInsert(count, i, l);
                    heapMin = topLogits[0];
                } else if (l > heapMin) {
                    heapReplaceMin(k, i, l);
                    heapMin = topLogits[0];
                }
            }
        }
        topCount = count;
        sortDescending();
        maxLogit = max;
        logNormaliser = max + Math.log(sum);
        entropy = Math.log(sum) - weighted / sum;
    }

    /** Raw probability of a token with the given logit. */
    double probability(float logit) {
        return Math.exp(logit - logNormaliser);
    }

    // A binary min-heap on logit in topLogits/topTokens[0..count).
    private int heapInsert(int count, int token, float logit) {
        int i = count;
        topTokens[i] = token;
        topLogits[i] = logit;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (topLogits[parent] <= topLogits[i]) {
                break;
            }
            swap(i, parent);
            i = parent;
        }
        return count + 1;
    }

    private void heapReplaceMin(int count, int token, float logit) {
        topTokens[0] = token;
        topLogits[0] = logit;
        siftDown(0, count);
    }

    private void siftDown(int i, int count) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= count) {
                return;
            }
            int smallest = left + 1 < count && topLogits[left + 1] < topLogits[left] ? left + 1 : left;
            if (topLogits[i] <= topLogits[smallest]) {
                return;
            }
            swap(i, smallest);
            i = smallest;
        }
    }

    // Heap sort: repeatedly move the minimum to the end, leaving the array in falling order.
    private void sortDescending() {
        for (int end = topCount - 1; end > 0; end--) {
            swap(0, end);
            siftDown(0, end);
        }
    }

    private void swap(int a, int b) {
        int t = topTokens[a];
        topTokens[a] = topTokens[b];
        topTokens[b] = t;
        float l = topLogits[a];
        topLogits[a] = topLogits[b];
        topLogits[b] = l;
    }
}
