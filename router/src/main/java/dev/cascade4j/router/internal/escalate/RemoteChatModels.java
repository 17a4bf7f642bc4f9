package dev.cascade4j.router.internal.escalate;

import dev.cascade4j.router.config.LargeModelConfig;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;

/**
 * Builds the remote large models. Kept apart from {@link LargeModels} because the OpenAI and Ollama
 * clients are optional dependencies: this class is only touched after {@code LargeModels} checked
 * that the client's jar is there.
 */
final class RemoteChatModels {
    private RemoteChatModels() {
    }

    static ChatModel openAi(LargeModelConfig.OpenAi o) {
        String key = o.resolveApiKey();
        return OpenAiChatModel.builder()
                .baseUrl(o.baseUrl())
                // OpenAI-compatible local servers take any key; the client insists on one.
                .apiKey(key == null || key.isBlank() ? "none" : key)
                .modelName(o.model())
                .timeout(o.timeout())
                .maxRetries(o.maxRetries())
                .build();
    }

    static ChatModel ollama(LargeModelConfig.Ollama o) {
        return OllamaChatModel.builder()
                .baseUrl(o.baseUrl())
                .modelName(o.model())
                .timeout(o.timeout())
                .build();
    }
}
