package dev.cascade4j.inference;

/**
 * Token counts of one generation.
 *
 * @param promptTokens      tokens of the formatted prompt
 * @param cachedPromptTokens prompt tokens whose KV cache was reused from an earlier request
 * @param completionTokens  tokens of the answer, sampled and forced together
 * @param forcedTokens      answer tokens the grammar admitted as the only continuation, appended without sampling
 */
public record Usage(int promptTokens, int cachedPromptTokens, int completionTokens, int forcedTokens) {
}
