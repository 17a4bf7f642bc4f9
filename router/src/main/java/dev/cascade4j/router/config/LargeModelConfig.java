package dev.cascade4j.router.config;

import java.time.Duration;
import java.util.Objects;

/** A model the router escalates to: an OpenAI-compatible endpoint, an Ollama server, or a bigger local model. */
public sealed interface LargeModelConfig {

    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** The name routes use in {@code escalateTo}. */
    String name();

    /**
     * An OpenAI-compatible chat completions endpoint.
     *
     * @param apiKey    the key itself; prefer {@code apiKeyEnv}
     * @param apiKeyEnv name of the environment variable holding the key
     */
    record OpenAi(String name, String baseUrl, String apiKey, String apiKeyEnv, String model, Duration timeout, int maxRetries)
            implements LargeModelConfig {
        public OpenAi {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(model, "large model '" + name + "' needs a model");
            baseUrl = baseUrl == null ? "https://api.openai.com/v1" : baseUrl;
            timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        }

        /** The key: {@code apiKey}, else the variable {@code apiKeyEnv}, else {@code null}. */
        public String resolveApiKey() {
            if (apiKey != null && !apiKey.isBlank()) {
                return apiKey;
            }
            return apiKeyEnv == null ? null : System.getenv(apiKeyEnv);
        }
    }

    /** An Ollama server. */
    record Ollama(String name, String baseUrl, String model, Duration timeout) implements LargeModelConfig {
        public Ollama {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(model, "large model '" + name + "' needs a model");
            baseUrl = baseUrl == null ? "http://localhost:11434" : baseUrl;
            timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        }
    }

    /** A second, bigger local GGUF model: a cheap middle tier before (or instead of) a remote model. */
    record Local(String name, LocalModelConfig model) implements LargeModelConfig {
        public Local {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(model, "large model '" + name + "' needs a model");
        }
    }
}
