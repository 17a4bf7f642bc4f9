package dev.cascade4j.router.internal.escalate;

import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.internal.OptionalDependency;
import dev.cascade4j.inference.langchain4j.LocalChatModel;
import dev.cascade4j.inference.source.ModelStore;
import dev.cascade4j.router.config.LargeModelConfig;
import dev.langchain4j.model.chat.ChatModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The large models the router escalates to, by name, built from configuration or handed in as any
 * langchain4j {@link ChatModel}. Owns the local models it loaded for {@code local} targets.
 */
public final class LargeModels implements AutoCloseable {
    private final Map<String, ChatModel> models = new LinkedHashMap<>();
    private final List<LocalModel> loaded = new ArrayList<>();

    /** Builds every configured model not already given in {@code supplied}; loads local ones (blocking). */
    public static LargeModels create(List<LargeModelConfig> configs, Map<String, ChatModel> supplied, ModelStore store) {
        LargeModels out = new LargeModels();
        try {
            for (LargeModelConfig c : configs) {
                if (!supplied.containsKey(c.name())) {
                    out.models.put(c.name(), out.build(c, store));
                }
            }
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        out.models.putAll(supplied);
        return out;
    }

    private ChatModel build(LargeModelConfig config, ModelStore store) {
        return switch (config) {
            case LargeModelConfig.OpenAi o -> {
                OptionalDependency.require("the large model '" + o.name() + "' (provider openai)", "dev.langchain4j.model.openai.OpenAiChatModel",
                        "dev.langchain4j", "langchain4j-open-ai");
                yield RemoteChatModels.openAi(o);
            }
            case LargeModelConfig.Ollama o -> {
                OptionalDependency.require("the large model '" + o.name() + "' (provider ollama)", "dev.langchain4j.model.ollama.OllamaChatModel",
                        "dev.langchain4j", "langchain4j-ollama");
                yield RemoteChatModels.ollama(o);
            }
            case LargeModelConfig.Local l -> {
                LocalModel model = LocalModel.load(store.resolve(l.model().ref()), l.model().options());
                loaded.add(model);
                yield LocalChatModel.builder().model(model).build();
            }
        };
    }

    public ChatModel get(String name) {
        return models.get(name);
    }

    public boolean has(String name) {
        return models.containsKey(name);
    }

    public List<String> names() {
        return List.copyOf(models.keySet());
    }

    @Override
    public void close() {
        loaded.forEach(LocalModel::close);
        loaded.clear();
    }
}
