package dev.cascade4j.inference.llama;

/**
 * The raw next-token distribution of one sequence, summarised from its logits: the most likely
 * tokens, and the softmax normaliser and entropy computed without a full pass of {@code exp} (tokens
 * more than {@value #CUTOFF} nats below the maximum carry less than e^-30 of mass each and are skipped).
 * Reused across steps on the decode thread.
 */
final class LogitStats {
    static final float CUTOFF = 30f;

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

    /** Summarises {@code logits}, keeping the {@code k} most likely tokens sorted by falling logit. */
    void compute(float[] logits, int vocab, int k) {
        k = Math.min(Math.min(k, capacity), vocab);
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[i]);
        }
        float cutoff = max - CUTOFF;
        double sum = 0;
        double weighted = 0;
        int count = 0;
        float heapMin = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            float l = logits[i];
            if (l > cutoff) {
                double d = l - max;
                double e = Math.exp(d);
                sum += e;
                weighted += e * d;
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
