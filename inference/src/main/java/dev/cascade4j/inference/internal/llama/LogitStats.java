package dev.cascade4j.inference.internal.llama;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The raw next-token distribution of one sequence, read in place from llama.cpp's logits row: the
 * most likely tokens, and on demand the softmax normaliser and entropy. This runs once per generated
 * token over the whole vocabulary (262k logits for Gemma, 152k for Qwen), so it reads the row once and
 * then only the parts that matter:
 * <ul>
 * <li>one pass takes the maximum of every block of {@value #BLOCK} logits, a plain loop the JIT turns
 *     into vector instructions (about 40 µs over Gemma's row on AVX2); nothing is copied out of native
 *     memory;</li>
 * <li>the k-th best block maximum is a floor under the k-th best logit, so only blocks whose maximum
 *     clears it can hold a top-k token: those few blocks are searched, the result stays exact;</li>
 * <li>the normaliser and entropy are computed only when asked for (tokens the grammar forces need
 *     neither): tokens within {@value #NEAR} nats of the maximum are summed exactly, visiting only the
 *     blocks that reach that high; the many below, each under e^-8 of the top token's mass, are
 *     estimated from every {@value #TAIL_STRIDE}th of them (on Gemma's distributions the
 *     log-normaliser moves by under 0.006 nats); tokens more than {@value #CUTOFF} nats down are left
 *     out (all of them together change the normaliser by under 0.06%);</li>
 * <li>exp comes from a table with linear interpolation (relative error under 2e-6), several times
 *     cheaper than {@link Math#exp}.</li>
 * </ul>
 * Reused across steps on the decode thread; the row must stay valid (no decode) while it is in use.
 */
final class LogitStats {
    static final float CUTOFF = 20f;
    static final int BLOCK = 256;

    private static final int STEPS_PER_NAT = 256;
    // EXP[i] = e^(-i / STEPS_PER_NAT) for i in [0, CUTOFF * STEPS_PER_NAT + 1].
    private static final float[] EXP = new float[(int) CUTOFF * STEPS_PER_NAT + 2];
    private static final float NEAR = 8f;
    private static final int TAIL_STRIDE = 16;
    // Below this many logits every one is summed exactly: sampling would save nothing.
    private static final int SAMPLED_VOCABULARY = 4096;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    static {
        for (int i = 0; i < EXP.length; i++) {
            EXP[i] = (float) Math.exp(-(double) i / STEPS_PER_NAT);
        }
    }

    private final int capacity;
    private float[] blockMax = new float[0];
    private MemorySegment row;
    private int vocab;
    final int[] topTokens;
    final float[] topLogits;
    int topCount;
    float maxLogit;
    private boolean normalised;
    private double logNormaliser;
    private double entropy;

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
     * Summarises one row of {@code vocab} logits: its maximum and the {@code k} most likely tokens,
     * sorted by falling logit (ties by token id). The normaliser waits until it is asked for.
     */
    void compute(MemorySegment row, int vocab, int k) {
        this.row = row;
        this.vocab = vocab;
        this.normalised = false;
        int blocks = (vocab + BLOCK - 1) / BLOCK;
        if (blockMax.length < blocks) {
            blockMax = new float[blocks];
        }
        float max = blockMaxima(row, vocab, blockMax);
        k = Math.min(Math.min(k, capacity), vocab);

        // The k best block maxima come from k different blocks, so at least k logits reach the k-th of them.
        float floor = Float.NEGATIVE_INFINITY;
        if (blocks > k) {
            int count = 0;
            for (int b = 0; b < blocks; b++) {
                float m = blockMax[b];
                if (count < k) {
                    count = heapInsert(count, b, m);
                } else if (m > topLogits[0]) {
                    heapReplaceMin(k, b, m);
                }
            }
            floor = topLogits[0];
        }
        int count = 0;
        for (int b = 0; b < blocks; b++) {
            if (blockMax[b] < floor) {
                continue;
            }
            int end = Math.min(vocab, (b + 1) * BLOCK);
            for (int i = b * BLOCK; i < end; i++) {
                float l = row.getAtIndex(FLOAT, i);
                if (l < floor) {
                    continue;
                }
                if (count < k) {
                    count = heapInsert(count, i, l);
                } else if (better(l, i, topLogits[0], topTokens[0])) {
                    heapReplaceMin(k, i, l);
                }
            }
        }
        topCount = count;
        sortDescending();
        maxLogit = max;
    }

    // The maximum runs on the logits' bits as sortable ints (below): the JIT vectorises an int max over a
    // fixed-size block, and not a float one, whose NaN and -0 rules make it a chain of scalar steps.
    private static float blockMaxima(MemorySegment row, int vocab, float[] out) {
        int max = Integer.MIN_VALUE;
        int full = vocab / BLOCK;
        for (int b = 0; b < full; b++) {
            long base = (long) b * BLOCK;
            int m = Integer.MIN_VALUE;
            for (int j = 0; j < BLOCK; j++) {
                m = Math.max(m, sortable(row.getAtIndex(INT, base + j)));
            }
            out[b] = fromSortable(m);
            max = Math.max(max, m);
        }
        if (full * BLOCK < vocab) {
            int m = Integer.MIN_VALUE;
            for (int i = full * BLOCK; i < vocab; i++) {
                m = Math.max(m, sortable(row.getAtIndex(INT, i)));
            }
            out[full] = fromSortable(m);
            max = Math.max(max, m);
        }
        return fromSortable(max);
    }

    /** The bits of a float as an int that orders as the float does (negative floats have their magnitude bits flipped). */
    static int sortable(int floatBits) {
        return floatBits ^ ((floatBits >> 31) & 0x7fffffff);
    }

    static float fromSortable(int sortable) {
        return Float.intBitsToFloat(sortable ^ ((sortable >> 31) & 0x7fffffff));
    }

    /** The logit of any token of the row last summarised. */
    float logit(int token) {
        return row.getAtIndex(FLOAT, token);
    }

    /** Raw probability of a token with the given logit. */
    double probability(float logit) {
        return Math.exp(logit - logNormaliser());
    }

    double logNormaliser() {
        normalise();
        return logNormaliser;
    }

    double entropy() {
        normalise();
        return entropy;
    }

    private void normalise() {
        if (normalised) {
            return;
        }
        float max = maxLogit;
        float cutoff = max - CUTOFF;
        boolean sampled = vocab >= SAMPLED_VOCABULARY;
        float near = sampled ? max - NEAR : cutoff;
        double sum = 0;
        double weighted = 0;
        int blocks = (vocab + BLOCK - 1) / BLOCK;
        for (int b = 0; b < blocks; b++) {
            if (blockMax[b] <= near) {
                continue;
            }
            int end = Math.min(vocab, (b + 1) * BLOCK);
            for (int i = b * BLOCK; i < end; i++) {
                float l = row.getAtIndex(FLOAT, i);
                if (l > near) {
                    float d = max - l;
                    float e = expNeg(d);
                    sum += e;
                    weighted -= e * d;
                }
            }
        }
        if (sampled) {
            // Tokens in (cutoff, near], estimated from a stride; selects instead of branches, as about half
            // the samples fall on each side of the cutoff.
            double tailSum = 0;
            double tailWeighted = 0;
            for (int i = 0; i < vocab; i += TAIL_STRIDE) {
                float l = row.getAtIndex(FLOAT, i);
                float d = Math.min(max - l, CUTOFF);
                float e = l > cutoff && l <= near ? expNeg(d) : 0f;
                tailSum += e;
                tailWeighted -= e * d;
            }
            sum += tailSum * TAIL_STRIDE;
            weighted += tailWeighted * TAIL_STRIDE;
        }
        logNormaliser = max + Math.log(sum);
        entropy = Math.log(sum) - weighted / sum;
        normalised = true;
    }

    // Order of the top list: higher logit first, then lower token id, so ties land the same way whatever the scan order.
    private static boolean better(float logit, int token, float otherLogit, int otherToken) {
        return logit > otherLogit || (logit == otherLogit && token < otherToken);
    }

    // A binary min-heap (worst entry at the root) in topLogits/topTokens[0..count).
    private int heapInsert(int count, int token, float logit) {
        int i = count;
        topTokens[i] = token;
        topLogits[i] = logit;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!better(topLogits[parent], topTokens[parent], topLogits[i], topTokens[i])) {
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
            int right = left + 1;
            int worst = right < count && better(topLogits[left], topTokens[left], topLogits[right], topTokens[right]) ? right : left;
            if (!better(topLogits[i], topTokens[i], topLogits[worst], topTokens[worst])) {
                return;
            }
            swap(i, worst);
            i = worst;
        }
    }

    // Heap sort: repeatedly move the worst to the end, leaving the array best first.
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
