package dev.cascade4j.inference.internal.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.SamplingParams;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Choosing a token from a row of logits, with and without a grammar: no model, the grammar is a stand-in filter. */
class TokenSamplerTest {
    // Token i has logit -i/2 except a few placed at the top: 7 (10.0), 3 (9.0), 11 (8.5), 5 (6.0).
    private static final float[] LOGITS = logits(1_000);

    private static float[] logits(int vocab) {
        float[] l = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            l[i] = -i / 2f;
        }
        l[7] = 10f;
        l[3] = 9f;
        l[11] = 8.5f;
        l[5] = 6f;
        return l;
    }

    private static MemorySegment row() {
        return MemorySegment.ofArray(LOGITS);
    }

    private static SamplingParams params(double temperature, double topP, int topK, double minP) {
        return new SamplingParams(temperature, topP, topK, minP, 0, 16, List.of());
    }

    @Test
    void greedyTakesTheMostLikelyToken() {
        TokenSampler sampler = new TokenSampler(LOGITS.length, 256);
        assertEquals(7, sampler.sample(row(), 64, null, SamplingParams.DEFAULT, new SplittableRandom(1)));
        assertEquals(0, sampler.chosen);
        assertEquals(10f, sampler.chosenLogit());
        assertEquals(64, sampler.allowedCount, "every candidate is allowed without a grammar");
    }

    @Test
    void greedyUnderAGrammarTakesTheMostLikelyAllowedToken() {
        TokenSampler sampler = new TokenSampler(LOGITS.length, 256);
        TokenSampler.Filter odd = oddTokensOnly();
        assertEquals(7, sampler.sample(row(), 64, odd, SamplingParams.DEFAULT, new SplittableRandom(1)));
        TokenSampler.Filter notSeven = (tokens, count, allowed) -> {
            int n = 0;
            for (int i = 0; i < count; i++) {
                allowed[i] = tokens[i] != 7;
                n += allowed[i] ? 1 : 0;
            }
            return n;
        };
        assertEquals(3, sampler.sample(row(), 64, notSeven, SamplingParams.DEFAULT, new SplittableRandom(1)));
        assertEquals(1, sampler.chosen, "the second candidate");
    }

    @Test
    void whenNoCandidateIsAllowedTheWholeVocabularyIsAsked() {
        TokenSampler sampler = new TokenSampler(LOGITS.length, 256);
        // Only tokens 900 and 950 are allowed: far below the 64 candidates.
        TokenSampler.Filter rare = (tokens, count, allowed) -> {
            int n = 0;
            for (int i = 0; i < count; i++) {
                allowed[i] = tokens[i] == 900 || tokens[i] == 950;
                n += allowed[i] ? 1 : 0;
            }
            return n;
        };
        assertEquals(900, sampler.sample(row(), 64, rare, SamplingParams.DEFAULT, new SplittableRandom(1)));
        assertEquals(2, sampler.allowedCount);
        assertEquals(950, sampler.candidates[1], "the allowed tokens, by falling logit");
    }

    @Test
    void aGrammarThatAllowsNothingIsReported() {
        TokenSampler sampler = new TokenSampler(LOGITS.length, 256);
        TokenSampler.Filter none = (tokens, count, allowed) -> {
            java.util.Arrays.fill(allowed, 0, count, false);
            return 0;
        };
        assertEquals(-1, sampler.sample(row(), 64, none, SamplingParams.DEFAULT, new SplittableRandom(1)));
    }

    @Test
    void topKKeepsOnlyTheKBestAllowedTokens() {
        Map<Integer, Integer> seen = draw(params(100, 1, 2, 0), null, 600);
        assertEquals(java.util.Set.of(7, 3), seen.keySet(), "at a high temperature both of the two best appear, nothing else");
    }

    @Test
    void minPDropsTokensFarBelowTheBest() {
        // At temperature 1, token 11 has weight e^-1.5 = 0.22 of token 7's, token 5 e^-4 = 0.018.
        Map<Integer, Integer> seen = draw(params(1, 1, 0, 0.1), null, 600);
        assertEquals(java.util.Set.of(7, 3, 11), seen.keySet());
    }

    @Test
    void topPStopsOnceTheMassIsCovered() {
        // Token 7 alone holds 1 / (1 + e^-1 + e^-1.5 + ...) ≈ 0.62 of the mass.
        assertEquals(java.util.Set.of(7), draw(params(1, 0.5, 0, 0), null, 600).keySet());
        assertEquals(java.util.Set.of(7, 3), draw(params(1, 0.8, 0, 0), null, 600).keySet());
    }

    @Test
    void samplingSkipsTokensTheGrammarForbids() {
        Map<Integer, Integer> seen = draw(params(100, 1, 3, 0), oddTokensOnly(), 600);
        assertEquals(java.util.Set.of(7, 3, 11), seen.keySet());
    }

    @Test
    void theSameSeedGivesTheSameTokens() {
        TokenSampler sampler = new TokenSampler(LOGITS.length, 256);
        SamplingParams p = params(5, 1, 0, 0);
        SplittableRandom a = new SplittableRandom(42);
        SplittableRandom b = new SplittableRandom(42);
        StringBuilder first = new StringBuilder();
        StringBuilder second = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            first.append(sampler.sample(row(), 64, null, p, a)).append(' ');
        }
        for (int i = 0; i < 50; i++) {
            second.append(sampler.sample(row(), 64, null, p, b)).append(' ');
        }
        assertEquals(first.toString(), second.toString());
        assertTrue(new java.util.HashSet<>(List.of(first.toString().split(" "))).size() > 1, "a mix, not one token: " + first);
    }

    private static TokenSampler.Filter oddTokensOnly() {
        return (tokens, count, allowed) -> {
            int n = 0;
            for (int i = 0; i < count; i++) {
                allowed[i] = (tokens[i] & 1) == 1;
                n += allowed[i] ? 1 : 0;
            }
            return n;
        };
    }

    private static Map<Integer, Integer> draw(SamplingParams p, TokenSampler.Filter filter, int times) {
        TokenSampler sampler = new TokenSampler(LOGITS.length, 256);
        SplittableRandom random = new SplittableRandom(7);
        Map<Integer, Integer> seen = new HashMap<>();
        for (int i = 0; i < times; i++) {
            seen.merge(sampler.sample(row(), 64, filter, p, random), 1, Integer::sum);
        }
        return seen;
    }
}
