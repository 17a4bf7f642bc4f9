package dev.cascade4j.inference.internal.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.SamplingParams;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Which tokens count towards confidence, and the signals recorded for them, on a distribution small enough to compute exactly. */
class ConfidenceRecorderTest {

    @Test
    void aTokenDecidesOnlyWhenTheModelHadAChoice() {
        assertFalse(ConfidenceRecorder.decides(1, true, true, true), "a single allowed token is the grammar's");
        assertTrue(ConfidenceRecorder.decides(2, true, false, false), "the first token opens the answer");
        assertTrue(ConfidenceRecorder.decides(2, false, true, false), "free text: every token");
        assertTrue(ConfidenceRecorder.decides(2, false, false, true), "a value inside JSON");
        assertFalse(ConfidenceRecorder.decides(5, false, false, false), "a key or punctuation");
    }

    @Test
    void valuesAreFoundInTokensThatSpanKeysAndValues() {
        JsonRoleScanner roles = new JsonRoleScanner();
        assertFalse(ConfidenceRecorder.feedsValue(roles, bytes("{\"city\":")));
        assertTrue(ConfidenceRecorder.feedsValue(roles, bytes("\"Ber")));
        assertTrue(ConfidenceRecorder.feedsValue(roles, bytes("lin\",")));
        assertFalse(ConfidenceRecorder.feedsValue(roles, bytes("\"days\":")));
        assertTrue(ConfidenceRecorder.feedsValue(roles, bytes("3}")));
    }

    @Test
    void recordsTheRawProbabilityMarginEntropyAndAllowedMass() {
        // Four tokens: logits 2, 1, 0, -1 (softmax computed exactly below), the rest far below.
        float[] logits = new float[100];
        java.util.Arrays.fill(logits, -60f);
        logits[10] = 2f;
        logits[20] = 1f;
        logits[30] = 0f;
        logits[40] = -1f;
        double z = Math.exp(2) + Math.exp(1) + Math.exp(0) + Math.exp(-1) + 96 * Math.exp(-60);
        double p10 = Math.exp(2) / z;
        double p20 = Math.exp(1) / z;
        double p30 = Math.exp(0) / z;
        double entropy = 0;
        for (double l : new double[] {2, 1, 0, -1}) {
            double p = Math.exp(l) / z;
            entropy -= p * Math.log(p);
        }

        TokenSampler sampler = new TokenSampler(logits.length, 256);
        // The grammar forbids the best token: the model is made to take its second choice.
        TokenSampler.Filter not10 = (tokens, count, allowed) -> {
            int n = 0;
            for (int i = 0; i < count; i++) {
                allowed[i] = tokens[i] == 20 || tokens[i] == 30;
                n += allowed[i] ? 1 : 0;
            }
            return n;
        };
        assertEquals(20, sampler.sample(MemorySegment.ofArray(logits), 8, not10, SamplingParams.DEFAULT, new SplittableRandom(1)));
        ConfidenceAccumulator acc = new ConfidenceAccumulator();
        ConfidenceRecorder.record(acc, sampler, true);
        Confidence c = acc.summary();
        assertEquals(1, c.decisionTokens());
        assertEquals(p20, c.minProbability(), 1e-5, "the raw probability, not the one after masking");
        assertEquals(p20 - p30, c.firstMargin(), 1e-5, "over the best allowed alternative, not the forbidden best");
        assertEquals(p20 + p30, c.minAllowedMass(), 1e-5);
        assertEquals(entropy, c.meanEntropy(), 1e-4);
        assertTrue(p10 > p20, "the forbidden token was the model's favourite");

        ConfidenceAccumulator free = new ConfidenceAccumulator();
        sampler.sample(MemorySegment.ofArray(logits), 8, null, SamplingParams.DEFAULT, new SplittableRandom(1));
        ConfidenceRecorder.record(free, sampler, false);
        assertEquals(1.0, free.summary().minAllowedMass(), "unconstrained: all mass allowed");
        assertEquals(p10 - p20, free.summary().firstMargin(), 1e-5);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
