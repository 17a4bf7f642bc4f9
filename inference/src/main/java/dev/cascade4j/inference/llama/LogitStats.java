package dev.cascade4j.inference.llama;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The raw next-token distribution of one sequence, summarised from its logits: the most likely
 * tokens, and the softmax normaliser and entropy. This runs once per generated token over the whole
 * vocabulary (262k logits for Gemma), so it is built to stay well under a millisecond:
 * <ul>
 * <li>tokens more than {@value #CUTOFF} nats below the maximum are skipped (each carries less than
 *     e^-20 of the top token's mass; all of them together change the normaliser by under 0.06%);</li>
 * <li>tokens within 8 nats of the maximum are summed exactly; those further down, each under e^-8
 *     of the top token's mass, are estimated from every 16th of them (on Gemma's distributions the
 *     log-normaliser moves by under 0.006 nats, so probabilities by under 0.6%);</li>
 * <li>exp comes from a table with linear interpolation (relative error under 2e-6), several times
 *     cheaper than {@link Math#exp};</li>
 * <li>the top-k heap (the grammar's candidates, whatever their mass) only sees tokens above a floor
 *     taken from a strided sample of the logits, gathered with the tokens summed exactly in one pass,
 *     so it does a few hundred insertions instead of one per token; when fewer than k tokens clear
 *     the floor, a second pass without it keeps the result exact.</li>
 * </ul>
 * Reused across steps on the decode thread.
 */
final class LogitStats {
    static final float CUTOFF = 20f;

    private static final int STEPS_PER_NAT = 256;
    // EXP[i] = e^(-i / STEPS_PER_NAT) for i in [0, CUTOFF * STEPS_PER_NAT + 1].
    private static final float[] EXP = new float[(int) CUTOFF * STEPS_PER_NAT + 2];
    // Tokens within NEAR nats of the maximum hold nearly all the mass and are summed exactly; the many
    // below are estimated from every TAIL_STRIDE-th of them.
    private static final float NEAR = 8f;
    private static final int SAMPLE_STRIDE = 256;
    private static final int TAIL_STRIDE = 16;

    static {
        for (int i = 0; i < EXP.length; i++) {
            EXP[i] = (float) Math.exp(-(double) i / STEPS_PER_NAT);
        }
    }

    private final int capacity;
    private int[] gather = new int[4096];
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

    /**
     * Copies one row of logits from native memory into {@code logits} and summarises it, keeping the
     * {@code k} most likely tokens sorted by falling logit. The copy and the maximum come from one pass
     * over the row, so the megabyte is read from memory once; the rest works on the copy, in cache.
     */
    void compute(MemorySegment row, float[] logits, int vocab, int k) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            float l = row.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            logits[i] = l;
            if (l > max) {
                max = l;
            }
        }
        k = Math.min(Math.min(k, capacity), vocab);
        float cutoff = max - CUTOFF;
        boolean large = vocab >= SAMPLE_STRIDE * 16;
        // Expect about SAMPLE_STRIDE tokens above the best of every SAMPLE_STRIDE-th logit, so k <= that
        // many clear it almost always; a small vocabulary gets no floor.
        float floor = Float.NEGATIVE_INFINITY;
        if (large) {
            for (int i = 0; i < vocab; i += SAMPLE_STRIDE) {
                if (logits[i] > floor) {
                    floor = logits[i];
                }
            }
        }
        float near = large ? max - NEAR : cutoff;
        // Tokens below `near` are estimated from every TAIL_STRIDE-th of them.
        double sampledSum = 0;
        double sampledWeighted = 0;
        if (large) {
            for (int i = 0; i < vocab; i += TAIL_STRIDE) {
                float l = logits[i];
                if (l > cutoff && l <= near) {
                    float d = max - l;
                    float e = expNeg(d);
                    sampledSum += e;
                    sampledWeighted -= e * d;
                }
            }
        }
        // The tokens summed exactly (above `near`) and the grammar's candidates (above the floor) are few:
        // gather their indices in one pass, then work on them alone.
        float gatherAbove = Math.min(floor, near);
        int gathered = 0;
        for (int i = 0; i < vocab; i++) {
            if (logits[i] >= gatherAbove) {
                if (gathered == gather.length) {
                    gather = java.util.Arrays.copyOf(gather, gather.length * 2);
                }
                gather[gathered++] = i;
            }
        }
        double sum = 0;
        double weighted = 0;
        int count = 0;
        float heapMin = Float.NEGATIVE_INFINITY;
        for (int g = 0; g < gathered; g++) {
            int i = gather[g];
            float l = logits[i];
            if (l > near) {
                float d = max - l;
                float e = expNeg(d);
                sum += e;
                weighted -= e * d;
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
            // Fewer than k tokens cleared the floor: a second pass without it keeps the result exact.
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
