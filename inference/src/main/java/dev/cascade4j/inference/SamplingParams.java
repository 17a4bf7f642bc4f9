package dev.cascade4j.inference;

import java.util.List;

/**
 * How tokens are chosen. Temperature 0 is greedy decoding. Sampling draws from the most likely
 * {@code max(topK, 64)} tokens of the raw distribution (the tail beyond them holds negligible mass
 * for instruction-tuned models and would cost a pass over the whole vocabulary per token).
 *
 * @param seed  seed of the sampler's random generator; the same seed, prompt and model give the same output
 * @param stop  strings that end generation; the matched stop string is not part of the output
 */
public record SamplingParams(double temperature, double topP, int topK, double minP, long seed, int maxTokens, List<String> stop) {

    public static final SamplingParams DEFAULT = new SamplingParams(0.0, 1.0, 0, 0.0, 0, 256, List.of());

    public SamplingParams {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new InferenceException.InvalidRequest("temperature must be a finite number >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new InferenceException.InvalidRequest("top_p must be in (0, 1], got " + topP);
        }
        if (topK < 0) {
            throw new InferenceException.InvalidRequest("top_k must be >= 0 (0 = off), got " + topK);
        }
        if (!(minP >= 0 && minP < 1)) {
            throw new InferenceException.InvalidRequest("min_p must be in [0, 1), got " + minP);
        }
        if (maxTokens <= 0) {
            throw new InferenceException.InvalidRequest("max_tokens must be at least 1, got " + maxTokens);
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
        if (stop.stream().anyMatch(String::isEmpty)) {
            throw new InferenceException.InvalidRequest("stop strings must not be empty");
        }
    }

    public static SamplingParams greedy(int maxTokens) {
        return DEFAULT.withMaxTokens(maxTokens);
    }

    public SamplingParams withTemperature(double t) {
        return new SamplingParams(t, topP, topK, minP, seed, maxTokens, stop);
    }

    public SamplingParams withTopP(double p) {
        return new SamplingParams(temperature, p, topK, minP, seed, maxTokens, stop);
    }

    public SamplingParams withTopK(int k) {
        return new SamplingParams(temperature, topP, k, minP, seed, maxTokens, stop);
    }

    public SamplingParams withMinP(double p) {
        return new SamplingParams(temperature, topP, topK, p, seed, maxTokens, stop);
    }

    public SamplingParams withSeed(long s) {
        return new SamplingParams(temperature, topP, topK, minP, s, maxTokens, stop);
    }

    public SamplingParams withMaxTokens(int n) {
        return new SamplingParams(temperature, topP, topK, minP, seed, n, stop);
    }

    public SamplingParams withStop(List<String> s) {
        return new SamplingParams(temperature, topP, topK, minP, seed, maxTokens, s);
    }
}
