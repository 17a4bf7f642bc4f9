package dev.cascade4j.inference;

/**
 * How a model is loaded and served. Defaults suit a small model on a laptop CPU.
 *
 * @param contextPerSequence tokens one request may hold (prompt and answer); 0 = the model's trained context, capped at 8192
 * @param parallelSequences  requests decoded together as separate sequences of one batch
 * @param threads            CPU threads for generation; 0 = the number of cores
 * @param batchSize          prompt tokens evaluated per decode call
 * @param queueCapacity      requests allowed to wait for a free sequence before {@link InferenceException.Overloaded}
 * @param grammarCandidates  most likely tokens offered to the grammar before falling back to the whole vocabulary
 * @param jumpForward        append tokens the grammar forces without sampling them one by one
 * @param gpuLayers          layers to offload to a GPU backend when one is loaded (-1 = all, 0 = none)
 * @param promptFormat       the model's own chat template or the generic layout; {@link PromptFormat#AUTO} = the family's default
 * @param strictSchemas      refuse a JSON schema (response format or tool parameters) with a keyword the grammar cannot
 *                           enforce exactly, instead of relaxing it in the grammar and leaving it to validation after generation
 */
public record LocalModelOptions(
        int contextPerSequence,
        int parallelSequences,
        int threads,
        int batchSize,
        int queueCapacity,
        int grammarCandidates,
        boolean jumpForward,
        int gpuLayers,
        PromptFormat promptFormat,
        boolean strictSchemas) {

    public LocalModelOptions {
        require(contextPerSequence >= 0, "contextPerSequence must be >= 0");
        require(parallelSequences >= 1 && parallelSequences <= 64, "parallelSequences must be in 1..64");
        require(threads >= 0, "threads must be >= 0");
        require(batchSize >= 16, "batchSize must be >= 16");
        require(queueCapacity >= 0, "queueCapacity must be >= 0");
        require(grammarCandidates >= 1, "grammarCandidates must be >= 1");
        promptFormat = promptFormat == null ? PromptFormat.AUTO : promptFormat;
    }

    public static LocalModelOptions defaults() {
        return new LocalModelOptions(4096, 4, 0, 512, 64, 64, true, 0, PromptFormat.AUTO, false);
    }

    public LocalModelOptions withContextPerSequence(int n) {
        return new LocalModelOptions(n, parallelSequences, threads, batchSize, queueCapacity, grammarCandidates, jumpForward, gpuLayers, promptFormat, strictSchemas);
    }

    public LocalModelOptions withParallelSequences(int n) {
        return new LocalModelOptions(contextPerSequence, n, threads, batchSize, queueCapacity, grammarCandidates, jumpForward, gpuLayers, promptFormat, strictSchemas);
    }

    public LocalModelOptions withThreads(int n) {
        return new LocalModelOptions(contextPerSequence, parallelSequences, n, batchSize, queueCapacity, grammarCandidates, jumpForward, gpuLayers, promptFormat, strictSchemas);
    }

    public LocalModelOptions withBatchSize(int n) {
        return new LocalModelOptions(contextPerSequence, parallelSequences, threads, n, queueCapacity, grammarCandidates, jumpForward, gpuLayers, promptFormat, strictSchemas);
    }

    public LocalModelOptions withQueueCapacity(int n) {
        return new LocalModelOptions(contextPerSequence, parallelSequences, threads, batchSize, n, grammarCandidates, jumpForward, gpuLayers, promptFormat, strictSchemas);
    }

    public LocalModelOptions withGrammarCandidates(int n) {
        return new LocalModelOptions(contextPerSequence, parallelSequences, threads, batchSize, queueCapacity, n, jumpForward, gpuLayers, promptFormat, strictSchemas);
    }

    public LocalModelOptions withJumpForward(boolean on) {
        return new LocalModelOptions(contextPerSequence, parallelSequences, threads, batchSize, queueCapacity, grammarCandidates, on, gpuLayers, promptFormat, strictSchemas);
    }

    public LocalModelOptions withGpuLayers(int n) {
        return new LocalModelOptions(contextPerSequence, parallelSequences, threads, batchSize, queueCapacity, grammarCandidates, jumpForward, n, promptFormat, strictSchemas);
    }

    public LocalModelOptions withStrictSchemas(boolean on) {
        return new LocalModelOptions(contextPerSequence, parallelSequences, threads, batchSize, queueCapacity, grammarCandidates, jumpForward, gpuLayers, promptFormat, on);
    }

    public LocalModelOptions withPromptFormat(PromptFormat format) {
        return new LocalModelOptions(contextPerSequence, parallelSequences, threads, batchSize, queueCapacity, grammarCandidates, jumpForward, gpuLayers, format, strictSchemas);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new InferenceException.InvalidRequest(message);
        }
    }
}
