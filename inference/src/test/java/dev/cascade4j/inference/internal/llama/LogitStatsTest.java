package dev.cascade4j.inference.internal.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The fast summary against an exact, slow computation on vocabularies shaped like real ones. */
class LogitStatsTest {

    @Test
    void matchesTheExactComputationOnAFlatDistribution() {
        // The worst case for the sampled tail: a third of the mass lies more than 8 nats below the top.
        check(gaussian(262_144, 3.0, 1), 64, 0.02);
    }

    @Test
    void matchesTheExactComputationOnAPeakedDistribution() {
        float[] logits = gaussian(262_144, 2.0, 2);
        logits[4242] = 40f;
        logits[7] = 38f;
        check(logits, 64, 1e-3);
    }

    @Test
    void staysExactOnSortedLogits() {
        // Falling logits fill the heap with its final tokens at once; rising ones replace its minimum every time.
        float[] logits = new float[100_000];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = 10f - i * 0.0001f;
        }
        check(logits, 256, 1e-3);
        float[] rising = new float[logits.length];
        for (int i = 0; i < rising.length; i++) {
            rising[i] = logits[logits.length - 1 - i];
        }
        check(rising, 256, 1e-3);
    }

    @Test
    void tiesAcrossBlocksKeepTheLowerTokenFirst() {
        // Many equal logits in many blocks: the floor is reached by more tokens than k, and the list must
        // still be the first k of them in token order.
        float[] logits = new float[50_000];
        Arrays.fill(logits, -5f);
        for (int i = 100; i < logits.length; i += 37) {
            logits[i] = 3f;
        }
        logits[49_999] = 4f;
        check(logits, 64, 1e-3);
    }

    @Test
    void aVocabularyThatIsNotAWholeNumberOfBlocks() {
        float[] logits = gaussian(LogitStats.BLOCK * 300 + 17, 2.0, 4);
        logits[logits.length - 1] = 30f; // the best token in the partial last block
        check(logits, 64, 1e-3);
    }

    @Test
    void theNormaliserWaitsUntilAskedAndFollowsTheRow() {
        LogitStats stats = new LogitStats(256);
        try (Arena arena = Arena.ofConfined()) {
            float[] first = gaussian(10_000, 2.0, 5);
            float[] second = gaussian(10_000, 4.0, 6);
            stats.compute(arena.allocateFrom(ValueLayout.JAVA_FLOAT, first), first.length, 8);
            double firstLogZ = stats.logNormaliser();
            stats.compute(arena.allocateFrom(ValueLayout.JAVA_FLOAT, second), second.length, 8);
            assertNotEquals(firstLogZ, stats.logNormaliser(), "a new row gets a new normaliser");
            check(stats, second, 8, 0.02);
        }
    }

    @Test
    void smallVocabulary() {
        check(gaussian(500, 4.0, 3), 64, 1e-4);
    }

    private static void check(float[] logits, int k, double logZTolerance) {
        LogitStats stats = new LogitStats(256);
        try (Arena arena = Arena.ofConfined()) {
            stats.compute(arena.allocateFrom(ValueLayout.JAVA_FLOAT, logits), logits.length, k);
            check(stats, logits, k, logZTolerance);
        }
    }

    private static void check(LogitStats stats, float[] logits, int k, double logZTolerance) {
        assertEquals(logits[logits.length / 3], stats.logit(logits.length / 3), "a logit read in place");

        int[] expectedTop = IntStream.range(0, logits.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -logits[i]).thenComparingInt(i -> i))
                .limit(Math.min(k, logits.length)).mapToInt(Integer::intValue).toArray();
        int[] top = Arrays.copyOf(stats.topTokens, stats.topCount);
        assertArrayEquals(expectedTop, top, "top tokens, best first, ties by token id");

        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        double weighted = 0;
        for (float l : logits) {
            double e = Math.exp(l - max);
            sum += e;
            weighted += e * (l - max);
        }
        double logZ = max + Math.log(sum);
        double entropy = Math.log(sum) - weighted / sum;
        assertEquals(logZ, stats.logNormaliser(), logZTolerance, "log normaliser");
        assertEquals(entropy, stats.entropy(), 2 * logZTolerance * Math.max(1, entropy), "entropy");
        double p = Math.exp(logits[expectedTop[0]] - logZ);
        assertEquals(p, stats.probability(logits[expectedTop[0]]), p * 2 * logZTolerance, "top probability");
    }

    private static float[] gaussian(int n, double sd, long seed) {
        Random r = new Random(seed);
        float[] logits = new float[n];
        for (int i = 0; i < n; i++) {
            logits[i] = (float) (r.nextGaussian() * sd);
        }
        return logits;
    }
}
