package dev.cascade4j.router.config;

import java.util.List;

/**
 * How subtasks are matched to routes.
 *
 * @param k                       nearest examples of a route averaged into its score
 * @param temperature             softmax temperature turning route scores into a confidence; lower is sharper
 * @param outOfScopeBelow         when the most similar example is less similar than this, the subtask is out of scope
 * @param embeddingCacheSize      embeddings kept in memory
 * @param classificationCacheSize classifications kept in memory
 * @param workers                 threads that compute embeddings
 * @param queueCapacity           classifications waiting for a worker before callers are rejected
 * @param secondOpinion           ask an SLM too, for routes with few examples
 * @param secondOpinionMaxExamples routes with at most this many examples get the second opinion
 * @param secondOpinionModel      the local model asked for the second opinion
 * @param outOfScopeExamples      subtasks no route should take (chit-chat, other domains); a subtask
 *                                closer to these than to any route is out of scope
 */
public record ClassifierConfig(
        int k,
        double temperature,
        double outOfScopeBelow,
        int embeddingCacheSize,
        int classificationCacheSize,
        int workers,
        int queueCapacity,
        boolean secondOpinion,
        int secondOpinionMaxExamples,
        String secondOpinionModel,
        List<String> outOfScopeExamples) {

    public static final ClassifierConfig DEFAULTS =
            new ClassifierConfig(3, 0.05, 0.27, 10_000, 10_000, 2, 256, false, 5, RouterConfig.DEFAULT_MODEL, List.of());

    public ClassifierConfig {
        require(k >= 1, "k must be at least 1, got " + k);
        require(temperature > 0 && temperature <= 10, "temperature must be in (0, 10], got " + temperature);
        require(outOfScopeBelow >= -1 && outOfScopeBelow <= 1, "outOfScopeBelow must be a cosine similarity in [-1, 1], got " + outOfScopeBelow);
        require(embeddingCacheSize >= 0, "embeddingCacheSize must be >= 0");
        require(classificationCacheSize >= 0, "classificationCacheSize must be >= 0");
        require(workers >= 1, "workers must be at least 1");
        require(queueCapacity >= 1, "queueCapacity must be at least 1");
        require(secondOpinionMaxExamples >= 0, "secondOpinionMaxExamples must be >= 0");
        secondOpinionModel = secondOpinionModel == null ? RouterConfig.DEFAULT_MODEL : secondOpinionModel;
        outOfScopeExamples = outOfScopeExamples == null ? List.of() : List.copyOf(outOfScopeExamples);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("classifier: " + message);
        }
    }

    public ClassifierConfig withOutOfScopeBelow(double floor) {
        return new ClassifierConfig(k, temperature, floor, embeddingCacheSize, classificationCacheSize, workers, queueCapacity,
                secondOpinion, secondOpinionMaxExamples, secondOpinionModel, outOfScopeExamples);
    }

    public ClassifierConfig withSecondOpinionModel(String modelRef) {
        return new ClassifierConfig(k, temperature, outOfScopeBelow, embeddingCacheSize, classificationCacheSize, workers, queueCapacity,
                secondOpinion, secondOpinionMaxExamples, modelRef, outOfScopeExamples);
    }

    public ClassifierConfig withSecondOpinion(boolean on, int maxExamples) {
        return new ClassifierConfig(k, temperature, outOfScopeBelow, embeddingCacheSize, classificationCacheSize, workers, queueCapacity,
                on, maxExamples, secondOpinionModel, outOfScopeExamples);
    }

    public ClassifierConfig withOutOfScopeExamples(List<String> examples) {
        return new ClassifierConfig(k, temperature, outOfScopeBelow, embeddingCacheSize, classificationCacheSize, workers, queueCapacity,
                secondOpinion, secondOpinionMaxExamples, secondOpinionModel, examples);
    }

    public ClassifierConfig withQueue(int workerThreads, int capacity) {
        return new ClassifierConfig(k, temperature, outOfScopeBelow, embeddingCacheSize, classificationCacheSize, workerThreads, capacity,
                secondOpinion, secondOpinionMaxExamples, secondOpinionModel, outOfScopeExamples);
    }
}
