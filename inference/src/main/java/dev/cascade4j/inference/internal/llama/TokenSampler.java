package dev.cascade4j.inference.internal.llama;

import dev.cascade4j.inference.SamplingParams;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks a sequence's next token from its raw logits: the most likely candidates from {@link LogitStats},
 * filtered by the grammar when there is one (the whole vocabulary when none of them is allowed), then
 * greedy at temperature 0, else top-k, min-p, top-p and temperature. What it read and chose stays
 * here for the confidence recorder until the next call. Decode thread only; reused across steps.
 */
final class TokenSampler {
    /** Marks which candidate tokens may come next and returns how many: a grammar's view of the answer so far. */
    interface Filter {
        int filter(int[] candidates, int count, boolean[] allowed);
    }

    final LogitStats stats;
    private final int vocab;
    final int[] candidates;
    final boolean[] allowed;
    /** Candidates considered, allowed among them, and the index of the chosen one. */
    int count;
    int allowedCount;
    int chosen;

    TokenSampler(int vocab, int candidateCapacity) {
        this.vocab = vocab;
        this.stats = new LogitStats(candidateCapacity);
        this.candidates = new int[vocab];
        this.allowed = new boolean[vocab];
    }

    /**
     * Chooses among the {@code k} most likely tokens of the row ({@code filter} null: no grammar).
     *
     * @return the chosen token, or -1 when the grammar allows no token at all
     */
    int sample(MemorySegment row, int k, Filter filter, SamplingParams sampling, SplittableRandom random) {
        stats.compute(row, vocab, k);
        count = stats.topCount;
        System.arraycopy(stats.topTokens, 0, candidates, 0, count);
        allowedCount = count;
        if (filter != null) {
            allowedCount = filter.filter(candidates, count, allowed);
            if (allowedCount == 0) {
                count = allowedFromWholeVocabulary(filter);
                allowedCount = count;
            }
        } else {
            Arrays.fill(allowed, 0, count, true);
        }
        if (allowedCount == 0) {
            return -1;
        }
        chosen = choose(sampling, random);
        return candidates[chosen];
    }

    float chosenLogit() {
        return stats.logit(candidates[chosen]);
    }

    // The grammar allowed none of the most likely tokens: offer it the whole vocabulary (slow, about 28 ms on a 262k vocabulary).
    private int allowedFromWholeVocabulary(Filter filter) {
        for (int i = 0; i < vocab; i++) {
            candidates[i] = i;
        }
        filter.filter(candidates, vocab, allowed);
        int n = 0;
        for (int i = 0; i < vocab; i++) {
            if (allowed[i]) {
                candidates[n++] = i;
            }
        }
        // Sort the allowed tokens by falling logit (they are few at points where the model fights the grammar).
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = candidates[i];
        }
        Arrays.sort(order, (a, b) -> Float.compare(stats.logit(b), stats.logit(a)));
        int keep = Math.min(n, stats.topTokens.length);
        for (int i = 0; i < keep; i++) {
            candidates[i] = order[i];
        }
        Arrays.fill(allowed, 0, keep, true);
        return keep;
    }

    /** Picks among allowed candidates (sorted by falling logit): greedy at temperature 0, else top-k, min-p, top-p and temperature. */
    private int choose(SamplingParams p, SplittableRandom random) {
        if (p.temperature() == 0) {
            for (int i = 0; i < count; i++) {
                if (allowed[i]) {
                    return i;
                }
            }
        }
        int limit = p.topK() > 0 ? p.topK() : Integer.MAX_VALUE;
        double[] weights = new double[count];
        double best = Double.NaN;
        double total = 0;
        int kept = 0;
        for (int i = 0; i < count && kept < limit; i++) {
            if (!allowed[i]) {
                continue;
            }
            float l = stats.logit(candidates[i]);
            if (Double.isNaN(best)) {
                best = l;
            }
            double w = Math.exp((l - best) / p.temperature());
            if (w < p.minP()) {
                break; // min-p: relative to the most likely allowed token
            }
            weights[i] = w;
            total += w;
            kept++;
        }
        // top-p over the kept tokens, in falling order
        double cumulative = 0;
        double cut = p.topP() * total;
        double keptTotal = 0;
        int last = -1;
        for (int i = 0; i < count; i++) {
            if (weights[i] == 0) {
                continue;
            }
            keptTotal += weights[i];
            last = i;
            cumulative += weights[i];
            if (cumulative >= cut) {
                break;
            }
        }
        double r = random.nextDouble() * keptTotal;
        for (int i = 0; i <= last; i++) {
            r -= weights[i];
            if (weights[i] > 0 && r <= 0) {
                return i;
            }
        }
        return last;
    }
}
